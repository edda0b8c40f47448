-- symbolic_spec.lua: symbols, symbolic derivatives, compositions, the explainer, compiled functions
local cr = require "chainrule"
local core = require "chainrule.core"
local m = cr.math
local ops = core.ops

local x = cr.symbol("x")

-- a small deterministic generator, so failures reproduce
local seed = 12345
local function rand ()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
end

-- every op of the table, each in at least one expression; points lie in [0.2, 0.9]
local battery = {
  function (x) return (x^2 + 5)^3 end,
  function (x) return m.exp(3*x) end,
  function (x) return x + 2 end,
  function (x) return 3 - x end,
  function (x) return x*x*x end,
  function (x) return (x + 1)/(x - 2) end,
  function (x) return x^x end,
  function (x) return 2^x + x^-2 end,
  function (x) return x % 0.3 + 5 * x end,
  function (x) return H.idiv(7 * x, 2) + x end,
  function (x) return -x^2 end,
  function (x) return m.sin(x)^2/m.cos(x)^2 end,
  function (x) return m.tan(2*x) end,
  function (x) return m.asin(x) + m.acos(x/2) end,
  function (x) return m.atan(x^2) end,
  function (x) return m.atan(x, 2 - x) end,
  function (x) return m.log(x^2 + 1)/(x + 2) end,
  function (x) return m.log(x, 2) + m.log(x, 10) + m.log(x, 3) end,
  function (x) return m.sqrt(x^2 + 4)*m.cos(2*x)/3 end,
  function (x) return m.cbrt(x^3 + 2) end,
  function (x) return m.abs(x - 0.5) end,
  function (x) return ops.sign(x - 0.5) * x end,
  function (x) return ops.step(x - 0.55) + x end,
  function (x) return m.floor(3*x) + m.ceil(2*x) + ops.trunc(5*x) * x end,
  function (x) return m.fmod(4*x, 0.7) end,
  function (x) return m.max(x, 1 - x) + m.min(x^2, 0.3) end,
  function (x) return m.max(x, 0.5, 1 - x) + m.min(x, 0.6, x^2) + ops.over(x, 0.5) * x end,
  function (x) return m.hypot(x, 2*x + 1) end,
  function (x) return m.sinh(x) + m.cosh(2*x) + m.tanh(x/3) end,
  function (x) return m.asinh(x) + m.acosh(x + 1.5) + m.atanh(x - 0.1) end,
  function (x) return m.log1p(x^2) * m.expm1(x) end,
  function (x) return m.erf(x) - m.sigmoid(3*x) end,
  function (x) return m.relu(x - 0.5) + m.softplus(-x) end,
  function (x) return ops.xlogy(x, x + 1) + ops.mulz(x, m.exp(x)) end,
  function (x) return m.sin(x)*m.exp(x/3) + m.log(x^2 + 1)/(x + 2)
                      - (x^3 - 2*x)^2/(1 + m.exp(-x)) + m.sqrt(x^2 + 4)*m.cos(2*x)/3 end,
  function (x) return 1/(1 + x^2) end,
  function (x) return (x - 1)^4 * (x + 1)^-3 end,
  function (x) return m.exp(m.sin(m.cos(x))) end,
  function (x) return x * m.log(x) - x end,
  function (x) return (m.sin(x) + m.cos(x))^2 end,
  function (x) return m.sqrt(1 - x^2) / x end,
  function (x) return 4 * x^3 - 3 * x^2 / 7 + x / 9 - 1 end,
  function (x) return m.tanh(m.sinh(x) * 2) ^ 3 end,
  function (x) return -(x + 1) * -(x - 1) end,
  function (x) return (2*x)^(3*x) end,
}

-- the printed form is read back with cr.math plus the op table's other names
local env = setmetatable({}, {__index = function (_, k) return ops[k] or m[k] end})
local function reparse (s)
  local f = assert(H.load("local x = ... return " .. s, "=printed", "t", env))
  return f
end

local function points (n)
  local p = {}
  for i = 1, n do p[i] = 0.2 + 0.7 * rand() end
  return p
end

describe("symbolic expressions", function ()
  it("print the source's examples and their derivatives exactly", function ()
    local e = (x^2 + 5)^3
    assert.are.equal("(x^2 + 5)^3", tostring(e))
    assert.are.equal("6*x*(x^2 + 5)^2", tostring(cr.diff(e, x)))
    assert.are.equal("exp(3*x)", tostring(m.exp(3*x)))
    assert.are.equal("3*exp(3*x)", tostring(cr.diff(m.exp(3*x), x)))
    assert.are.equal("sin(x)^2/cos(x)^2", tostring(m.sin(x)^2/m.cos(x)^2))
    assert.are.equal("-x", tostring(-x))
  end)

  it("print with the fewest parentheses Lua needs", function ()
    local y, z = cr.symbol("y"), cr.symbol("z")
    cr.simplify(false)
    local cases = {
      {x - (y - z), "x - (y - z)"}, {(x - y) - z, "x - y - z"}, {x / (y * z), "x/(y*z)"},
      {x * y / z, "x*y/z"}, {-(x + y), "-(x + y)"}, {(-x)^2, "(-x)^2"}, {-x^2, "-x^2"},
      {x^y^z, "x^y^z"}, {(x^y)^z, "(x^y)^z"}, {x^(-y), "x^(-y)"}, {x * (-y), "x*(-y)"},
      {-(-x), "-(-x)"}, {x + (-2), "x + (-2)"}, {(-2)^x, "(-2)^x"}, {m.atan(x, y), "atan2(x, y)"},
      {H.idiv(x % y, z), "x % y // z"}, {x + 0.1, "x + 0.1"}, {x * 1e300, "x*1e+300"},
    }
    cr.simplify(true)
    for _, c in ipairs(cases) do assert.are.equal(c[2], tostring(c[1])) end
  end)

  it("print constants, subnormals included, in the shortest form that reads back", function ()
    cr.simplify(false)  -- keeps x*k as written
    finally(function () cr.simplify(true) end)
    assert.are.equal("x*5e-324", tostring(x * 5e-324))
    assert.are.equal("x*(-1e-310)", tostring(x * -1e-310))
    for _, k in ipairs{5e-324, 1.5e-323, 1e-310, 2.225073858507201e-308, 2.2250738585072014e-308,
                       0.1, 1/3, 1e300, 1.2345678901234568e17} do
      local s = tostring(x * k):match("^x%*(.*)$")
      assert.are.equal(k, tonumber(s), s)
      local digits = #s:gsub("e.*", ""):gsub("[^%d]", ""):gsub("^0+", "")
      for p = 1, digits - 1 do  -- no shorter form reads back
        assert.are_not.equal(k, tonumber(("%." .. p .. "g"):format(k)), s)
      end
    end
  end)

  it("give LaTeX", function ()
    assert.are.equal("\\left(x^{2} + 5\\right)^{3}", ((x^2 + 5)^3):latex())
    assert.are.equal("3 \\cdot \\exp\\left(3 \\cdot x\\right)", cr.diff(m.exp(3*x)):latex())
    assert.are.equal("\\frac{\\sin\\left(x\\right)^{2}}{\\cos\\left(x\\right)^{2}}",
                     (m.sin(x)^2/m.cos(x)^2):latex())
    assert.are.equal("\\sqrt{\\left|x\\right|}", m.sqrt(m.abs(x)):latex())
  end)

  it("share identical subexpressions and compare by structure", function ()
    assert.is_true(m.sin(x) + 1 == m.sin(x) + 1)
    assert.is_false(m.sin(x) == m.cos(x))
    assert.are.equal(tostring(cr.symbol("x")), "x")
    assert.is_true(cr.symbol("x") == x)
  end)

  it("evaluate with a table or as a function of one variable", function ()
    local y = cr.symbol("y")
    assert.are.equal(729, ((x^2 + 5)^3):eval{x = 2})
    assert.are.equal(729, ((x^2 + 5)^3)(2))
    assert.are.equal(11, (x * y + 1):eval{x = 2, y = 5})
    assert.are.equal("(y^2 + 5)^3", tostring(((x^2 + 5)^3)(y)))
    assert.are.same({"x", "y"}, (x * y + x):vars())
    assert.are.equal(6, (x * 0 + 6):simplify().value)
    -- over duals, so cr.derivative takes an expression as a function
    assert.are.equal(972, (cr.derivative((x^2 + 5)^3, 2)))
    assert.are.equal(3, (cr.derivative(m.exp(3*x), 0)))
    local ip, fp = m.modf(x)
    assert.are.equal("trunc(x)", tostring(ip))
    assert.are.equal(0.5, fp(2.5))
  end)

  it("raise clear errors #lua53", function ()
    local y = cr.symbol("y")
    H.checkerr("bad argument #1 to 'eval' (no value for variable 'y')", function () return (x + y):eval{x = 1} end)
    H.checkerr("eval: variable 'x' must be a number, got string",
               function () return (x + y):eval{x = "a", y = 1} end)
    H.checkerr("expression has 2 free variables (x, y); use e:eval{...}",
               function () return (x + y)(1) end)
    H.checkerr("bad argument #1 to 'symbol' (name must be a Lua identifier)", cr.symbol, "1x")
    H.checkerr("bad argument #1 to 'symbol' (string expected, got nil)", cr.symbol, nil)
    for _, kw in ipairs{"end", "nil", "function", "and", "while", "goto"} do
      H.checkerr("bad argument #1 to 'symbol' (name must be a Lua identifier, got the keyword '"
                 .. kw .. "')", cr.symbol, kw)
    end
    assert.are.equal("ends", tostring(cr.symbol("ends")))  -- only the whole word is reserved
    H.checkerr("attempt to compare a symbolic expression", function () return x < 1 end)
    H.checkerr("attempt to compare a symbolic expression", function () return 1 <= x end)
    H.checkerr("attempt to perform arithmetic on a table value", function () return x + {} end)
    H.checkerr("add: cannot mix a dual number with a symbolic expression",
               function () return cr.dual(1) + x end)
    H.checkerr("mul: cannot mix a chainrule.Var with a symbolic expression",
               function () return x * cr.param(2) end)
    assert.is_nil(x.value)
    H.checkerr("deriv: a symbolic expression has no derivative value", function () return x.deriv end)
    H.checkerr("bad argument #3 to 'diff' (order must be a non-negative integer, got 1.5)",
               cr.diff, x, x, 1.5)
    H.checkerr("bad argument #2 to 'diff' (symbol expected, got an expression)", cr.diff, x, x + 1)
    H.checkerr("bad argument #2 to 'diff' (expression has 2 free variables; say which)",
               cr.diff, x * y)
    H.checkerr("(number expected, got chainrule.Expr)", math.sin, x)
  end)

  it("differentiate n times and by a named variable", function ()
    local y = cr.symbol("y")
    assert.are.equal("6*(x^2 + 5)^2 + 24*x^2*(x^2 + 5)", tostring(cr.diff((x^2 + 5)^3, x, 2)))
    assert.are.equal("0", tostring(cr.diff(x^3, x, 4)))
    assert.are.equal("x^3", tostring(cr.diff(x^3, x, 0)))
    assert.are.equal("x", tostring(cr.diff(x * y, "y")))
    assert.are.equal("y", tostring(cr.diff(x * y, x)))
    assert.are.equal("-sin(x)", tostring(cr.diff(m.sin(x), x, 2)))
  end)

  it("keep cr.diff on functions as the core defines it", function ()
    local f = cr.diff(function (t) return t^3 end)
    assert.are.equal(12, f(2))
  end)

  describe("battery of " .. #battery .. " expressions", function ()
    it("covers every op of the table", function ()
      local seen = {}
      for _, f in ipairs(battery) do
        local e = f(x)
        -- walk the graph and record the ops used
        local stack = {e}
        while #stack > 0 do
          local n = table.remove(stack)
          local k, a, b = n:kind()
          if k ~= "const" and k ~= "var" then
            seen[k] = true
            stack[#stack + 1] = a
            if b then stack[#stack + 1] = b end
          end
        end
      end
      -- some ops only appear unsimplified (a user writing mulz) or in derivatives
      cr.simplify(false)
      for _, f in ipairs(battery) do
        local e = f(x)
        local stack = {e}
        while #stack > 0 do
          local n = table.remove(stack)
          local k, a, b = n:kind()
          if k ~= "const" and k ~= "var" then
            seen[k] = true
            stack[#stack + 1] = a
            if b then stack[#stack + 1] = b end
          end
        end
      end
      cr.simplify(true)
      for name in pairs(core.opid) do
        assert.is_true(seen[name] ~= nil, "no expression uses " .. name)
      end
    end)

    it("prints forms that read back as Lua to the same values #lua53", function ()
      for i, f in ipairs(battery) do
        local e, de = f(x), cr.diff(f(x), x)
        local g, dg = reparse(tostring(e)), reparse(tostring(de))
        for _, p in ipairs(points(5)) do
          H.assert_close(g(p), e(p), 1e-14, 0, "expression " .. i .. " " .. tostring(e))
          H.assert_close(dg(p), de(p), 1e-14, 0, "derivative " .. i .. " " .. tostring(de))
        end
      end
    end)

    it("has symbolic derivatives equal to dual derivatives to 1e-12", function ()
      for i, f in ipairs(battery) do
        local de = cr.diff(f(x), x)
        for _, p in ipairs(points(8)) do
          local d = cr.derivative(f, p)
          H.assert_close(de(p), d, 1e-12, 1e-13, "d/dx of " .. i .. " at " .. p)
        end
      end
    end)

    it("agrees simplified and unsimplified, values and derivatives", function ()
      for i, f in ipairs(battery) do
        cr.simplify(false)
        local e0 = f(x)
        local d0 = cr.diff(e0, x)
        cr.simplify(true)
        local e2, d2 = e0:simplify(), cr.diff(f(x), x)
        assert.is_true(#tostring(d2) <= #tostring(d0), "simplifying made " .. i .. " longer")
        for _, p in ipairs(points(6)) do
          H.assert_close(e2(p), e0(p), 1e-12, 1e-13, "value of " .. i)
          H.assert_close(d2(p), d0(p), 1e-12, 1e-13, "derivative of " .. i)
        end
      end
    end)

    it("second and third derivatives match the duals", function ()
      for i = 1, #battery, 3 do
        local f = battery[i]
        for _, p in ipairs(points(3)) do
          local d2, d3 = cr.diff(f(x), x, 2), cr.diff(f(x), x, 3)
          H.assert_close(d2(p), cr.derivative(f, p, 2), 1e-11, 1e-11, "f'' of " .. i)
          H.assert_close(d3(p), cr.derivative(f, p, 3), 1e-10, 1e-10, "f''' of " .. i)
        end
      end
    end)
  end)

  it("handle a chain of 1e5 operations without deep recursion", function ()
    local e = x
    for _ = 1, 50000 do e = m.sin(e) + 0.5 end  -- 1e5 ops deep
    local s = tostring(e)
    assert.are.equal(50000 * #"sin() + 0.5" + 1, #s)
    local v = 0.3
    for _ = 1, 50000 do v = math.sin(v) + 0.5 end
    assert.are.equal(v, e(0.3))
    local de = cr.diff(e, x)
    local d = cr.derivative(function (t) for _ = 1, 50000 do t = m.sin(t) + 0.5 end return t end, 0.3)
    H.assert_close(de(0.3), d, 1e-12, 0, "derivative of the chain")
    H.checkerr("expression too large to print", tostring, de)
    local F = cr.compile(function (t) for _ = 1, 50000 do t = m.sin(t) + 0.5 end return t end)
    local fv, fd = F:eval(0.3)
    assert.are.equal(v, fv)
    H.assert_close(fd, d, 1e-12, 0, "compiled derivative of the chain")
  end)

  it("release nodes that became unreachable", function ()
    collectgarbage()
    collectgarbage()
    local base = core.expr_stats(true)
    do
      local e = x
      for i = 1, 20000 do e = e * m.cos(x + i) end
      assert.is_true(core.expr_stats() > base + 40000)
    end
    collectgarbage()
    collectgarbage()
    assert.is_true(core.expr_stats(true) < base + 100)
  end)
end)

describe("compositions", function ()
  local f = cr.fn(function (u) return u^3 end, "f")
  local g = cr.fn(function (t) return t^2 + 5 end, "g")

  it("remember their pieces and work on numbers, duals and symbols", function ()
    local h = cr.compose(f, g)
    assert.are.equal(f, h.outer)
    assert.are.equal(g, h.inner)
    assert.are.same({f, g}, h.links)
    assert.are.equal(729, h(2))
    assert.are.equal(972, (cr.derivative(h, 2)))
    assert.are.equal("(x^2 + 5)^3", tostring(h(x)))
    local k = cr.compose(m.sin, m.exp, function (t) return t^2 end)
    assert.are.equal(3, #k.links)
    assert.is_nil(k.outer)
    assert.are.equal(math.sin(math.exp(0.25)), k(0.5))
    assert.are.equal("f", tostring(f))
  end)

  it("reject bad pieces", function ()
    H.checkerr("bad argument #2 to 'compose' (function expected, got number)", cr.compose, f, 3)
    H.checkerr("bad argument #2 to 'compose' (function expected, got no value)", cr.compose, f)
    H.checkerr("bad argument #2 to 'fn' (name expected, got nil)", cr.fn, print)
    H.checkerr("bad argument #1 to 'fn' (function expected, got string)", cr.fn, "x", "y")
  end)
end)

describe("the explainer", function ()
  it("walks the source's first example", function ()
    local s = cr.explain(function (u) return u^3 end, function (t) return t^2 + 5 end, 2,
                         {quiet = true})
    assert.are.equal(table.concat({
      "h(x) = f(g(x))  with  g(x) = x^2 + 5,  f(u) = u^3",
      "du/dx = g'(x) = 2*x",
      "dy/du = f'(u) = 3*u^2",
      "dy/dx = dy/du * du/dx = 3*u^2 * 2*x",
      "      = 6*x*(x^2 + 5)^2          (u = x^2 + 5)",
      "at x = 2:  u = 9,  du/dx = 4,  dy/du = 243,  dy/dx = 972",
      ""}, "\n"), s.text)
    assert.are.equal(972, s.dydx)
    assert.are.equal("6*x*(x^2 + 5)^2", tostring(s.derivative))
    assert.are.equal("2*x", tostring(s.links[2].deriv))
  end)

  it("walks the second example, given as a composition", function ()
    local s = cr.explain(cr.compose(m.exp, function (t) return 3*t end), 0, {quiet = true})
    assert.are.equal(table.concat({
      "h(x) = f(g(x))  with  g(x) = 3*x,  f(u) = exp(u)",
      "du/dx = g'(x) = 3",
      "dy/du = f'(u) = exp(u)",
      "dy/dx = dy/du * du/dx = exp(u) * 3",
      "      = 3*exp(3*x)               (u = 3*x)",
      "at x = 0:  u = 0,  du/dx = 3,  dy/du = 1,  dy/dx = 3",
      ""}, "\n"), s.text)
  end)

  it("multiplies every link of a longer chain and uses the pieces' names", function ()
    local s = cr.explain(cr.compose(cr.fn(m.sin, "sin"), cr.fn(m.exp, "exp"),
                                    cr.fn(function (t) return t^2 end, "sq")), {quiet = true})
    assert.are.equal(table.concat({
      "h(x) = sin(exp(sq(x)))  with  sq(x) = x^2,  exp(v) = exp(v),  sin(u) = sin(u)",
      "dv/dx = sq'(x) = 2*x",
      "du/dv = exp'(v) = exp(v)",
      "dy/du = sin'(u) = cos(u)",
      "dy/dx = dy/du * du/dv * dv/dx = cos(u) * exp(v) * 2*x",
      "      = 2*x*exp(x^2)*cos(exp(x^2))  (u = exp(x^2),  v = x^2)",
      ""}, "\n"), s.text)
  end)

  it("falls back to numbers when a piece branches, and says so #cmp", function ()
    local s = cr.explain(function (u) return u^3 end,
                         function (t) if t > 0 then return t^2 + 5 end return 5 end, 2,
                         {quiet = true})
    assert.are.equal(table.concat({
      "h(x) = f(g(x))  with  g, f given as Lua functions",
      "g(x) cannot be traced symbolically (it branches on its input); using numbers at x = 2",
      "at x = 2:  u = 9,  du/dx = 4,  dy/du = 243,  dy/dx = 972",
      ""}, "\n"), s.text)
    assert.is_true(s.numeric)
  end)

  it("prints the walkthrough to a file", function ()
    local lines = {}
    cr.explain(m.exp, function (t) return 3*t end, {out = {write = function (_, t) lines[#lines + 1] = t end}})
    assert.are.equal(1, #lines)
    assert.is_truthy(lines[1]:find("= 3*exp(3*x)", 1, true))
  end)

  it("rejects bad arguments", function ()
    H.checkerr("bad argument #2 to 'explain' (function expected, got no value)", cr.explain, m.exp)
    H.checkerr("bad argument #3 to 'explain' (number expected, got string)",
               cr.explain, m.exp, m.sin, "2")
  end)
end)

describe("compiled functions", function ()
  it("give value and derivative at a point and over arrays", function ()
    local F = cr.compile(function (t) return (t^2 + 5)^3 end)
    assert.are.equal(729, F(2))
    assert.are.same({729, 972}, {F:eval(2)})
    local v, d = F:eval{1, 2, 3}
    assert.are.same({216, 729, 2744}, v)
    assert.are.same({216, 972, 3528}, d)
    local xa = cr.array{1, 2, 3}
    local va, da = F:eval(xa)
    assert.are.same({216, 729, 2744}, va:totable())
    assert.are.equal(3528, da[3])
    assert.are.equal(3, #da)
    local vb, db = cr.array(3), cr.array(3)
    local vr = F:eval(xa, vb, db)
    assert.is_true(rawequal(vb, vr))
    assert.are.equal(972, db[2])
    local xs, sv, sd = F:sample(0, 2, 3)
    assert.are.same({0, 1, 2}, xs:totable())
    assert.are.same({125, 216, 729}, sv:totable())
    assert.are.same({0, 216, 972}, sd:totable())
    assert.are.equal("(x^2 + 5)^3", tostring(F.expr))
    assert.is_true(F.compiled)
  end)

  it("equal per-point duals bit for bit in exact mode, over the whole battery", function ()
    for i, f in ipairs(battery) do
      local F = cr.compile(f, {exact = true})
      local xs = points(40)
      local v, d = F:eval(xs)
      for j, p in ipairs(xs) do
        local dd, dv = cr.derivative(f, p)
        assert(v[j] == dv, ("value %d at %.17g: %.17g vs %.17g"):format(i, p, v[j], dv))
        assert(d[j] == dd, ("derivative %d at %.17g: %.17g vs %.17g"):format(i, p, d[j], dd))
      end
    end
  end)

  it("stay within a few ulp of the duals in fast mode", function ()
    for i, f in ipairs(battery) do
      local F = cr.compile(f)
      local xs = points(20)
      local v, d = F:eval(xs)
      for j, p in ipairs(xs) do
        local dd, dv = cr.derivative(f, p)
        H.assert_close(v[j], dv, 1e-13, 1e-14, "fast value " .. i)
        H.assert_close(d[j], dd, 1e-13, 1e-14, "fast derivative " .. i)
      end
    end
  end)

  it("compute higher orders", function ()
    local f = battery[34]
    local F = cr.compile(f, {order = 3})
    assert.are.equal(3, F.order)
    local r = {F:eval(0.7)}
    local ref = cr.derivatives(f, 0.7, 3)
    for k = 1, 4 do H.assert_close(r[k], cr.value(ref[k]), 1e-11, 1e-12, "order " .. (k - 1)) end
    local v, d1, d2, d3 = F:eval{0.7}
    assert.are.equal(r[4], d3[1])
    local G = cr.compile(f, {order = 0})
    assert.are.equal(1, select("#", G:eval(0.7)))
  end)

  it("take duals, so cr.derivative works on a compiled function", function ()
    local f = battery[34]
    local F = cr.compile(f, {exact = true})
    local F3 = cr.compile(f, {order = 3, exact = true})
    for _, p in ipairs(points(5)) do
      assert.are.equal(cr.derivative(f, p), (cr.derivative(F, p)))
      for n = 2, 3 do
        H.assert_close((cr.derivative(F3, p, n)), (cr.derivative(f, p, n)), 1e-11, 1e-12, "order " .. n)
      end
    end
    local g = function (t) return t * cr.derivative(F3, t) end
    H.assert_close((cr.derivative(g, 0.6)), (cr.derivative(function (t) return t * cr.derivative(f, t) end, 0.6)),
                   1e-12, 0, "nested")
    H.checkerr("compiled function: a dual over 2 tags needs derivatives to order 2; compile with {order = 2}",
               cr.derivative, F, 0.5, 2)
    H.checkerr("bad argument #1 to compiled function (number or dual expected, got table)", F, {})
  end)

  it("detect branching instead of recording one branch #lua53", function ()
    H.checkerr("compile: the function branches on its input (comparison of a traced value)",
               cr.compile, function (t) if t > 0 then return t end return -t end)
    H.checkerr("compile: the function branches on its input (comparison of a traced value)",
               cr.compile, function (t) if t == x then return t end return -t end)
    H.checkerr("compile: the function branches on its input (conversion to a number of a traced value)",
               cr.compile, function (t) return cr.value(t) * 2 end)
    H.checkerr("bad argument #1 to 'floor' (number expected, got chainrule.Expr)",
               cr.compile, function (t) return math.floor(t) end)
    H.checkerr("compile: ", cr.compile, function (t) return math.floor(t) end)
    local G = cr.compile(function (t) if t > 0 then return t * t end return -t end, {fallback = true})
    assert.is_false(G.compiled)
    assert.are.same({4, -4}, {G:eval(2) == 4 and 4, select(2, G:eval(2)) * -1})
    local v, d = G:eval{-1, 3}
    assert.are.same({1, 9}, v)
    assert.are.same({-1, 6}, d)
    -- the mode is restored after a failed trace: symbols simplify again
    assert.are.equal("2*x", tostring(x + x))
  end)

  it("compile constants, the identity and functions of free symbols", function ()
    local C = cr.compile(function () return 4 end)
    assert.are.same({4, 0}, {C:eval(1)})
    local I = cr.compile(function (t) return t end)
    local v, d = I:eval{5}
    assert.are.same({5}, v)
    assert.are.same({1}, d)
    H.checkerr("compile: the function depends on the free symbol 'a'",
               cr.compile, function (t) return t * cr.symbol("a") end)
    H.checkerr("compile: function returned a string, expected a number",
               cr.compile, function () return "x" end)
    H.checkerr("bad argument #1 to 'compile' (function expected, got number)", cr.compile, 1)
    H.checkerr("bad argument #2 to 'compile' (order must be an integer from 0 to 8, got 9)",
               cr.compile, print, {order = 9})
  end)

  it("check arrays and batch arguments", function ()
    local F = cr.compile(function (t) return t end)
    H.checkerr("bad argument #1 to 'eval' (number expected at index 2, got string)",
               F.eval, F, {1, "a"})
    H.checkerr("bad argument #1 to 'eval' (number, table or array expected, got no value)", F.eval, F)
    H.checkerr("bad argument #2 to 'eval' (array of 2 numbers expected, distinct from the others)",
               F.eval, F, cr.array(2), cr.array(3), cr.array(2))
    H.checkerr("bad argument #1 to 'array' (number expected at index 1, got boolean)",
               cr.array, {true})
    H.checkerr("array index 3 out of range 1..2",
               function () local a = cr.array(2); a[3] = 1 end)
    H.checkerr("bad argument #3 to 'sample' (count must be from 1 to 1e8)",
               function () return F:sample(0, 1, 0) end)
    H.checkerr("bad argument #1 to 'array' (size from 0 to 1e8 or table expected)", cr.array, -1)
  end)
end)

describe("random expressions", function ()
  -- ops that are smooth on the points used; each takes and gives a number or an Expr
  local unary = {
    function (a) return -a end, m.sin, m.cos, m.exp, m.atan, m.tanh, m.sigmoid, m.softplus,
    function (a) return m.sqrt(a * a + 1) end, function (a) return m.log(a * a + 2) end,
    function (a) return a^2 end, function (a) return a^3 end, function (a) return (a^2 + 1)^-1 end,
  }
  local binary = {
    function (a, b) return a + b end, function (a, b) return a - b end,
    function (a, b) return a * b end, function (a, b) return a / (b * b + 1) end,
    function (a, b) return m.hypot(a, b) end, function (a, b) return m.atan(a, b * b + 1) end,
  }
  local consts = {2, 3, 0.5, -1.5, 0.1, 7}

  local function gen (depth)
    local r = rand()
    if depth == 0 or r < 0.2 then
      if rand() < 0.6 then return function (t) return t end, "x" end
      local c = consts[1 + math.floor(rand() * #consts)]
      return function () return c end
    end
    if r < 0.55 then
      local f = unary[1 + math.floor(rand() * #unary)]
      local g = gen(depth - 1)
      return function (t) return f(g(t)) end
    end
    local f = binary[1 + math.floor(rand() * #binary)]
    local g, h = gen(depth - 1), gen(depth - 1)
    return function (t) return f(g(t), h(t)) end
  end

  local penv = setmetatable({}, {__index = function (_, k) return ops[k] or m[k] end})

  it("print so that reading back with simplification off gives the very same graph", function ()
    for _ = 1, 300 do
      local f = gen(5)
      for _, level in ipairs{false, true} do
        cr.simplify(level)
        local e = f(x)
        cr.simplify(false)
        if cr.isexpr(e) then
          local s = tostring(e)
          local back = assert(H.load("local x = ... return " .. s, "=printed", "t", penv))(x)
          assert(back == e, "printed " .. s .. " reads back as " .. tostring(back))
        end
        cr.simplify(true)
      end
    end
  end)

  it("have symbolic and compiled derivatives that match the duals", function ()
    for i = 1, 150 do
      local f = gen(4)
      local e = f(x)
      if cr.isexpr(e) then
        local de = cr.diff(e, x)
        local F = cr.compile(f, {exact = true})
        local xs = {0.3, -0.7, 1.9}
        local v, d = F:eval(xs)
        for j, p in ipairs(xs) do
          local dd, dv = cr.derivative(f, p)
          assert(v[j] == dv and d[j] == dd, ("compiled %d at %g: %.17g %.17g vs %.17g %.17g (%s)")
            :format(i, p, v[j], d[j], dv, dd, tostring(e)))
          H.assert_close(de(p), dd, 1e-10, 1e-12, "symbolic " .. i .. " " .. tostring(e))
          H.assert_close(e(p), dv, 1e-12, 1e-14, "value " .. i .. " " .. tostring(e))
        end
      end
    end
  end)
end)

describe("scripts/explain.lua", function ()
  local function run (...)
    local args = {}
    for i, a in ipairs{...} do args[i] = "'" .. a .. "'" end
    -- the exit status echoed: Lua 5.1's and LuaJIT's close of a pipe does not return it
    local cmd = ("LUA_PATH=%q LUA_CPATH=%q %s scripts/explain.lua %s 2>&1; echo \"exit $?\""):format(
      package.path, package.cpath, H.LUA, table.concat(args, " "))
    local p = io.popen(cmd)
    local out, code = p:read("*a"):match("^(.*)exit (%d+)\n$")
    p:close()
    return out, tonumber(code)
  end

  it("explains an expression given in Lua syntax", function ()
    local out, code = run("(x^2 + 5)^3", "2")
    assert.are.equal(0, code)
    assert.are.equal(table.concat({
      "h(x) = f(g(x))  with  g(x) = x^2 + 5,  f(u) = u^3",
      "du/dx = g'(x) = 2*x",
      "dy/du = f'(u) = 3*u^2",
      "dy/dx = dy/du * du/dx = 3*u^2 * 2*x",
      "      = 6*x*(x^2 + 5)^2          (u = x^2 + 5)",
      "at x = 2:  u = 9,  du/dx = 4,  dy/du = 243,  dy/dx = 972",
      ""}, "\n"), out)
    out = run("exp(3*x)")
    assert.is_truthy(out:find("      = 3*exp(3*x)               (u = 3*x)", 1, true))
  end)

  it("explains a plot script with a chain", function ()
    local name = os.tmpname()
    local f = assert(io.open(name, "w"))
    f:write([[return {chain = {function (x) return math.sin(x) end,
                               function (u) return 1 + u * u end,
                               function (v) return math.sqrt(v) end}}]])
    f:close()
    os.rename(name, name .. ".lua")
    local out, code = run(name .. ".lua")
    os.remove(name .. ".lua")
    assert.are.equal(0, code)
    assert.is_truthy(out:find("F(x) = f(g(h(x)))  with  h(x) = sin(x),  g(v) = v^2 + 1,  f(u) = sqrt(u)",
                              1, true))
    assert.is_truthy(out:find("= sin(x)*cos(x)/sqrt(sin(x)^2 + 1)", 1, true))
  end)

  it("says what is wrong", function ()
    local out, code = run("(x^2", "2")
    assert.are_not.equal(0, code)
    assert.is_truthy(out:find("explain.lua: ", 1, true))
    out, code = run("x", "two")
    assert.is_truthy(out:find("explain.lua: X0 must be a number", 1, true))
  end)
end)
