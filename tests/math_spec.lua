-- math_spec.lua: cr.math as a drop-in for math, and every function's derivatives
local cr = require "chainrule"
local cm = cr.math

local sqrtpi = math.sqrt(math.pi)
local function sig (x) return 1 / (1 + math.exp(-x)) end

-- name, the function of one variable, points, then f', f'', f''' in closed form
local table_ = {
  {"sin", cm.sin, {-2, 0.3, 1.1}, function (x) return math.cos(x) end,
    function (x) return -math.sin(x) end, function (x) return -math.cos(x) end},
  {"cos", cm.cos, {-2, 0.3, 1.1}, function (x) return -math.sin(x) end,
    function (x) return -math.cos(x) end, function (x) return math.sin(x) end},
  {"tan", cm.tan, {-1, 0.3, 1.1}, function (x) local t = math.tan(x); return 1 + t*t end,
    function (x) local t = math.tan(x); return 2*t*(1 + t*t) end,
    function (x) local t = math.tan(x); return (1 + t*t)*(2 + 6*t*t) end},
  {"asin", cm.asin, {-0.7, 0.2, 0.6}, function (x) return 1/math.sqrt(1 - x*x) end,
    function (x) return x/(1 - x*x)^1.5 end, function (x) return (1 + 2*x*x)/(1 - x*x)^2.5 end},
  {"acos", cm.acos, {-0.7, 0.2, 0.6}, function (x) return -1/math.sqrt(1 - x*x) end,
    function (x) return -x/(1 - x*x)^1.5 end, function (x) return -(1 + 2*x*x)/(1 - x*x)^2.5 end},
  {"atan", cm.atan, {-2, 0.3, 4}, function (x) return 1/(1 + x*x) end,
    function (x) return -2*x/(1 + x*x)^2 end, function (x) return (6*x*x - 2)/(1 + x*x)^3 end},
  {"atan(y, 2)", function (y) return cm.atan(y, 2) end, {-2, 0.3, 4},
    function (y) return 2/(y*y + 4) end, function (y) return -4*y/(y*y + 4)^2 end,
    function (y) return 2*(6*y*y - 8)/(y*y + 4)^3 end},
  {"exp", cm.exp, {-2, 0.3, 3}, math.exp, math.exp, math.exp},
  {"log", cm.log, {0.2, 1, 7}, function (x) return 1/x end,
    function (x) return -1/x^2 end, function (x) return 2/x^3 end},
  {"log(x, 2)", function (x) return cm.log(x, 2) end, {0.2, 1, 7},
    function (x) return 1/(x*math.log(2)) end, function (x) return -1/(x^2*math.log(2)) end,
    function (x) return 2/(x^3*math.log(2)) end},
  {"log(x, 10)", function (x) return cm.log(x, 10) end, {0.2, 1, 7},
    function (x) return 1/(x*math.log(10)) end, function (x) return -1/(x^2*math.log(10)) end,
    function (x) return 2/(x^3*math.log(10)) end},
  {"log(x, 3)", function (x) return cm.log(x, 3) end, {0.2, 1, 7},
    function (x) return 1/(x*math.log(3)) end, function (x) return -1/(x^2*math.log(3)) end,
    function (x) return 2/(x^3*math.log(3)) end},
  {"sqrt", cm.sqrt, {0.1, 2, 9}, function (x) return 0.5/math.sqrt(x) end,
    function (x) return -0.25*x^-1.5 end, function (x) return 0.375*x^-2.5 end},
  {"abs", cm.abs, {-2, 0.5, 3}, function (x) return x > 0 and 1 or -1 end,
    function () return 0 end, function () return 0 end},
  {"floor", cm.floor, {-2.5, 0.5, 3.2}, function () return 0 end,
    function () return 0 end, function () return 0 end},
  {"ceil", cm.ceil, {-2.5, 0.5, 3.2}, function () return 0 end,
    function () return 0 end, function () return 0 end},
  {"fmod(x, 3)", function (x) return cm.fmod(x, 3) end, {-4.5, 1, 7.5},
    function () return 1 end, function () return 0 end, function () return 0 end},
  {"fmod(7, x)", function (x) return cm.fmod(7, x) end, {2.5, 3, 4},
    function (x) local q = 7/x; return -(q >= 0 and math.floor(q) or math.ceil(q)) end,
    function () return 0 end, function () return 0 end},
  {"modf (fraction)", function (x) return select(2, cm.modf(x)) end, {-2.5, 0.25, 3.75},
    function () return 1 end, function () return 0 end, function () return 0 end},
  {"modf (integral)", function (x) return (cm.modf(x)) end, {-2.5, 0.25, 3.75},
    function () return 0 end, function () return 0 end, function () return 0 end},
  {"max(x, 1, -2)", function (x) return cm.max(x, 1, -2) end, {-3, 2, 5},
    function (x) return x > 1 and 1 or 0 end, function () return 0 end, function () return 0 end},
  {"min(x, 1)", function (x) return cm.min(x, 1) end, {-3, 2, 5},
    function (x) return x < 1 and 1 or 0 end, function () return 0 end, function () return 0 end},
  {"deg", cm.deg, {-1, 2}, function () return 180/math.pi end,
    function () return 0 end, function () return 0 end},
  {"rad", cm.rad, {-1, 2}, function () return math.pi/180 end,
    function () return 0 end, function () return 0 end},
  {"sinh", cm.sinh, {-2, 0.3, 3}, math.cosh, math.sinh, math.cosh or function (x)
    return (math.exp(x) + math.exp(-x))/2 end},
  {"cosh", cm.cosh, {-2, 0.3, 3}, function (x) return (math.exp(x) - math.exp(-x))/2 end,
    function (x) return (math.exp(x) + math.exp(-x))/2 end,
    function (x) return (math.exp(x) - math.exp(-x))/2 end},
  {"tanh", cm.tanh, {-2, 0.3, 1.5}, function (x) local t = cm.tanh(x); return 1 - t*t end,
    function (x) local t = cm.tanh(x); return -2*t*(1 - t*t) end,
    function (x) local t = cm.tanh(x); return (1 - t*t)*(6*t*t - 2) end},
  {"asinh", cm.asinh, {-2, 0.3, 3}, function (x) return 1/math.sqrt(x*x + 1) end,
    function (x) return -x/(x*x + 1)^1.5 end, function (x) return (2*x*x - 1)/(x*x + 1)^2.5 end},
  {"acosh", cm.acosh, {1.5, 2, 5}, function (x) return 1/math.sqrt(x*x - 1) end,
    function (x) return -x/(x*x - 1)^1.5 end, function (x) return (2*x*x + 1)/(x*x - 1)^2.5 end},
  {"atanh", cm.atanh, {-0.5, 0.2, 0.7}, function (x) return 1/(1 - x*x) end,
    function (x) return 2*x/(1 - x*x)^2 end, function (x) return (2 + 6*x*x)/(1 - x*x)^3 end},
  {"log1p", cm.log1p, {-0.5, 0.2, 3}, function (x) return 1/(1 + x) end,
    function (x) return -1/(1 + x)^2 end, function (x) return 2/(1 + x)^3 end},
  {"expm1", cm.expm1, {-2, 0.3, 3}, math.exp, math.exp, math.exp},
  {"cbrt", cm.cbrt, {0.5, 2, 27}, function (x) return x^(-2/3)/3 end,
    function (x) return -2/9*x^(-5/3) end, function (x) return 10/27*x^(-8/3) end},
  {"erf", cm.erf, {-1, 0.3, 2}, function (x) return 2/sqrtpi*math.exp(-x*x) end,
    function (x) return 2/sqrtpi*(-2*x)*math.exp(-x*x) end,
    function (x) return 2/sqrtpi*(4*x*x - 2)*math.exp(-x*x) end},
  {"sigmoid", cm.sigmoid, {-3, 0.3, 2}, function (x) local s = sig(x); return s*(1 - s) end,
    function (x) local s = sig(x); return s*(1 - s)*(1 - 2*s) end,
    function (x) local s = sig(x); return s*(1 - s)*(1 - 6*s + 6*s*s) end},
  {"relu", cm.relu, {-3, 0.3, 2}, function (x) return x > 0 and 1 or 0 end,
    function () return 0 end, function () return 0 end},
  {"softplus", cm.softplus, {-3, 0.3, 2}, sig, function (x) local s = sig(x); return s*(1 - s) end,
    function (x) local s = sig(x); return s*(1 - s)*(1 - 2*s) end},
  {"hypot(x, 3)", function (x) return cm.hypot(x, 3) end, {-2, 0.5, 4},
    function (x) return x/math.sqrt(x*x + 9) end, function (x) return 9/(x*x + 9)^1.5 end,
    function (x) return -27*x/(x*x + 9)^2.5 end},
  {"x^2.5", function (x) return x^2.5 end, {0.5, 2, 4}, function (x) return 2.5*x^1.5 end,
    function (x) return 3.75*x^0.5 end, function (x) return 1.875*x^-0.5 end},
  {"3^x", function (x) return 3^x end, {-1, 0.5, 2}, function (x) return 3^x*math.log(3) end,
    function (x) return 3^x*math.log(3)^2 end, function (x) return 3^x*math.log(3)^3 end},
  {"x^x", function (x) return x^x end, {0.5, 1.5}, function (x) return x^x*(math.log(x) + 1) end,
    function (x) return x^x*((math.log(x) + 1)^2 + 1/x) end,
    function (x) local l = math.log(x) + 1; return x^x*(l^3 + 3*l/x - 1/x^2) end},
}

describe("cr.math derivatives", function ()
  for _, row in ipairs(table_) do
    local name, f, pts = row[1], row[2], row[3]
    it(name .. " matches its analytic derivatives of orders 1 to 3", function ()
      for _, x in ipairs(pts) do
        for k = 1, 3 do
          local want = row[3 + k](x)
          local got = cr.derivative(f, x, k)
          -- 1e-13: a few roundings in the rule chain and in the closed form itself
          H.assert_close(got, want, 1e-13, 1e-15, ("%s order %d at %g"):format(name, k, x))
        end
      end
    end)
  end
  it("covers every function math has, plus the additions", function ()
    local covered = {}
    for _, row in ipairs(table_) do covered[row[1]:match("^[%a%d]+")] = true end
    for _, name in ipairs{"sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "sqrt",
        "abs", "floor", "ceil", "fmod", "modf", "max", "min", "sinh", "cosh", "tanh", "asinh",
        "acosh", "atanh", "log1p", "expm1", "hypot", "cbrt", "erf", "sigmoid", "relu",
        "softplus", "deg", "rad"} do
      assert.is_true(covered[name], name .. " is in the table")
      assert.are.equal("function", type(cm[name]), name)
    end
  end)
end)

describe("cr.math on plain numbers", function ()
  local samples = {-7, -2.5, -1, -0.5, 0, 0.25, 0.5, 1, 3, 10, 1e300, -1/0, 1/0, 0/0,
                   math.maxinteger, math.mininteger}
  local function same (a, b)
    if a ~= a then return b ~= b end
    return a == b and math.type(a) == math.type(b)
  end
  it("returns exactly what math returns, integer subtype included #lua53", function ()
    for _, name in ipairs{"sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "sqrt",
        "abs", "floor", "ceil", "modf", "deg", "rad", "tointeger", "type"} do
      for _, x in ipairs(samples) do
        local a1, a2 = math[name](x)
        local b1, b2 = cm[name](x)
        assert.is_true(same(a1, b1) and same(a2, b2),
          ("%s(%s): math %s %s, cr.math %s %s"):format(name, x, a1, a2, b1, b2))
      end
    end
    for _, name in ipairs{"atan", "log", "fmod", "max", "min", "ult"} do
      for _, x in ipairs(samples) do
        for _, y in ipairs{-3, 2, 10, 0.5, 2.0, 10.0} do
          if not (name == "ult" and (math.type(x) ~= "integer" or math.type(y) ~= "integer")) then
            local a = math[name](x, y)
            local b = cm[name](x, y)
            assert.is_true(same(a, b), ("%s(%s, %s): %s vs %s"):format(name, x, y, a, b))
          end
        end
      end
    end
    assert.are.equal(math.max(3, 1, 7, 2), cm.max(3, 1, 7, 2))
    assert.are.equal(math.min(3, 1, 7, 2), cm.min(3, 1, 7, 2))
  end)
  it("gives a dual the same value part as the plain number, bit for bit", function ()
    for _, name in ipairs{"sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "sqrt",
        "abs", "floor", "ceil", "deg", "rad", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "log1p", "expm1", "cbrt", "erf", "sigmoid", "relu", "softplus"} do
      for _, x in ipairs{-7.25, -0.5, 0.25, 0.7, 1.5, 3.0, 10.0} do
        local plain = cm[name](x)
        local v = cr.value(cm[name](cr.dual(x)))
        assert.is_true(plain == v or (plain ~= plain and v ~= v),
          ("%s(%g): plain %.17g, dual %.17g"):format(name, x, plain, v))
      end
    end
  end)
  it("keeps math's constants and helpers", function ()
    assert.are.equal(math.pi, cm.pi)
    assert.are.equal(math.huge, cm.huge)
    assert.are.equal(math.maxinteger, cm.maxinteger)
    assert.are.equal(math.mininteger, cm.mininteger)
    assert.are.equal(math.random, cm.random)
    assert.are.equal(math.randomseed, cm.randomseed)
  end)
  it("is a separate table: math itself is untouched", function ()
    assert.are_not.equal(math, cm)
    assert.is_nil(math.sigmoid)
  end)
  it("lets a script written for math run unchanged #lua53", function ()
    local src = [[
      local math = ...
      local s = 0
      for i = 1, 10 do s = s + math.sin(i) * math.floor(i / 3) + math.max(i, 4) end
      return s, math.type(math.floor(2.5)), math.abs(-3)
    ]]
    local a1, a2, a3 = load(src)(math)
    local b1, b2, b3 = load(src)(cm)
    assert.are.equal(a1, b1); assert.are.equal(a2, b2); assert.are.equal(a3, b3)
  end)
end)

describe("Lua's compatibility math functions", function ()
  -- present when Lua was built with LUA_COMPAT_MATHLIB, as Debian's lua5.4 is
  local have = math.atan2 and math.log10 and math.pow and math.ldexp and math.frexp
  it("take duals with the right derivatives, and give math's values on numbers", function ()
    if not have then return pending("this Lua has no compatibility math functions") end
    H.assert_close((cr.derivative(cm.log10, 2)), 1/(2*math.log(10)), 1e-15, 0, "log10'")
    H.assert_close((cr.derivative(function (y) return cm.atan2(y, 2) end, 1)), 2/5, 1e-15, 0, "atan2'")
    assert.are.equal(12, (cr.derivative(function (x) return cm.pow(x, 3) end, 2)))
    assert.are.equal(16, (cr.derivative(function (x) return cm.ldexp(x, 4) end, 3)))
    local mant, e = cm.frexp(cr.dual(12))
    assert.are.equal(0.75, mant.value); assert.are.equal(1/16, mant.deriv); assert.are.equal(4, e)
    for _, x in ipairs{0.3, 2, 100, -7.5} do
      if x > 0 then assert.are.equal(math.log10(x), cm.log10(x)) end
      assert.are.equal(math.atan2(x, 3), cm.atan2(x, 3))
      assert.are.equal(math.pow(x, 2), cm.pow(x, 2))
      assert.are.equal(math.ldexp(x, 3), cm.ldexp(x, 3))
      assert.are.equal(select(2, math.frexp(x)), select(2, cm.frexp(x)))
    end
    H.checkerr("bad argument #2 to 'ldexp' (number has no integer representation)",
      cm.ldexp, cr.dual(1), 1.5)
  end)
end)

describe("conventions at non-differentiable points", function ()
  local function d (f, x) return (cr.derivative(f, x)) end
  it("abs'(0) = 0 and relu'(0) = 0", function ()
    assert.are.equal(0, d(cm.abs, 0))
    assert.are.equal(0, d(cm.relu, 0))
  end)
  it("max(x, x) and min(x, x) have derivative 1 (ties split evenly)", function ()
    assert.are.equal(1, d(function (x) return cm.max(x, x) end, 2))
    assert.are.equal(1, d(function (x) return cm.min(x, x) end, 2))
    assert.are.equal(0.5, d(function (x) return cm.max(x, 2) end, 2))
    assert.are.equal(1, d(function (x) return cm.max(x, x, x) end, -1))
  end)
  it("sqrt'(0) = inf", function ()
    assert.are.equal(math.huge, d(cm.sqrt, 0))
  end)
  it("x^0 has derivative 0 at 0", function ()
    assert.are.equal(0, d(function (x) return x^0 end, 0))
    assert.are.equal(0, d(function (x) return x^0.0 end, 0))
  end)
  it("d/dy 0^y = 0 for y > 0", function ()
    for _, y in ipairs{0.5, 1, 2, 3.5} do
      assert.are.equal(0, d(function (t) return 0^t end, y))
    end
  end)
  it("floor and ceil have derivative 0, even at integers", function ()
    for _, x in ipairs{-1, 0, 2, 2.5} do
      assert.are.equal(0, d(cm.floor, x))
      assert.are.equal(0, d(cm.ceil, x))
    end
  end)
  it("NaN and inf propagate as in IEEE arithmetic", function ()
    -- outside the domain the value is NaN and the rule is still evaluated as written,
    -- as JAX and PyTorch do: log at -1 has derivative 1/a = -1
    local dv, v = cr.derivative(cm.log, -1)
    assert.is_true(v ~= v)
    assert.are.equal(-1, dv)
    dv, v = cr.derivative(cm.sqrt, -1)
    assert.is_true(v ~= v and dv ~= dv)
    dv, v = cr.derivative(function (x) return x * math.huge end, 1)
    assert.are.equal(math.huge, v); assert.are.equal(math.huge, dv)
    dv = cr.derivative(cm.exp, 0/0)
    assert.is_true(dv ~= dv)
    dv, v = cr.derivative(function (x) return 1/x end, 0)
    assert.are.equal(math.huge, v); assert.are.equal(-math.huge, dv)
  end)
end)
