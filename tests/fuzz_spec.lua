-- fuzz_spec.lua: programs the fuzzer once failed on, kept as regression tests with known answers
local cr = require "chainrule"
local cm = cr.math

-- each: what it caught, the program, the point, and the derivative computed independently
local found = {
  {"asinh's rule squared its argument and overflowed (fuzz program 1021267)",
    function (x) return cm.asinh(x * 1e300 - cm.cbrt(7)) end, 3,
    1 / 3},  -- 1e300 / sqrt((3e300)^2 + 1), exactly 1/3 to double precision
  {"atan2's rule squared its second argument and overflowed (fuzz program 1045867)",
    function (x) return cm.atan(2.5 * x, 1e300 / 3) end, 0.3, 2.5 / (1e300 / 3)},
  {"acosh's rule squared its argument and overflowed",
    function (x) return cm.acosh(x) end, 1e200, 1e-200},
}

describe("fuzzer regressions across modes", function ()
  it("simplifying xlogy(y, a) to y*log(a) no longer turns 0 into NaN (fuzz program 2000352)", function ()
    local X = cr.symbol("x")
    local de = cr.diff(0 ^ cm.sinh(X), X)
    assert.are.equal(0, de:eval{x = 1})            -- 0^y has derivative 0 in y for y > 0
    assert.are.equal(0, (cr.derivative(function (x) return 0 ^ cm.sinh(x) end, 1)))
  end)
  it("compiled programs drop zero chain-rule terms as duals do (fuzz program 2000375)", function ()
    -- x/x is 1 with derivative exactly 0; acos'(1) is -inf; the strong zero gives 0
    local f = function (x) return cm.acos(x / x) end
    local F = cr.compile(f, {exact = true})
    local v, d = F:eval(0.5)
    local dd, dv = cr.derivative(f, 0.5)
    assert.are.equal(dv, v)
    assert.are.equal(dd, d)
    assert.are.equal(0, d)
  end)
  it("a derivative at a Var point keeps the sign of zero (fuzz program 6014071) #lua53", function ()
    -- at the point -0, d/dy (x % y) = -floor(x / y) = -floor(-inf) = inf
    local g = function (x)
      return cr.derivative(function (y) return x % y end, H.negzero % x)
    end
    local d = cr.derivative(g, 2)   -- forward mode, for reference
    local gr, gv = cr.gradient(g, 2.0)
    assert.are.equal((g(2.0)), gv)
    assert.are.equal(math.huge, gv)
    assert.is_true(d == gr[1] or (d ~= d and gr[1] ~= gr[1]))
  end)
end)

describe("fuzzer regressions", function ()
  for _, case in ipairs(found) do
    it(case[1], function ()
      local d = cr.derivative(case[2], case[3])
      H.assert_close(d, case[4], 1e-14, 0, "derivative")
    end)
  end

  it("reproduces one program from its number, and a run reports its size #lua53", function ()
    local cmd = ("LUA_PATH=%q LUA_CPATH=%q %s scripts/fuzz.lua --program 1021267 --verbose")
      :format(package.path, package.cpath, H.LUA)
    local f = assert(io.popen(cmd))
    local out = f:read("*a")
    local ok = f:close()
    assert.is_true(ok, out)
    assert.truthy(out:find("program 1021267 at x = 3: cm.asinh(((x * 1e300) - cm.cbrt(7)))", 1, true), out)
    assert.truthy(out:find("1 passed, 0 failed", 1, true), out)
  end)

  it("rejects bad options with a message #lua53", function ()
    local f = assert(io.popen(("LUA_PATH=%q LUA_CPATH=%q %s scripts/fuzz.lua --count x 2>&1")
      :format(package.path, package.cpath, H.LUA)))
    local out = f:read("*a")
    local ok = f:close()
    assert.is_falsy(ok)
    assert.truthy(out:find("fuzz.lua: --count needs a whole number", 1, true), out)
  end)
end)
