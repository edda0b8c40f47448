-- taylor_spec.lua: orders n >= 2 run on one truncated Taylor series; same results as the duals
local cr = require "chainrule"
local m, ops = cr.math, cr.core.ops
local checkerr = H.checkerr

-- the symbolic spec's battery: every op of the table, kinks and ties included
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

-- a dual point keeps the old path: the same function on multilinear duals, for reference
local function dualpath (f, x, n)
  local all = cr.derivatives(f, cr.dual(x, 0), n)
  for k = 1, n + 1 do all[k] = cr.value(all[k]) end
  return all
end

-- both paths round differently; order 8 of tanh(2 sinh x)^3 cancels to 1.5e-13 of the
-- largest term, so 1e-12 relative (to the value, or 1 when it is smaller) bounds them
local function same (a, b) return H.close(a, b, 1e-12, 1e-12 * math.max(1, math.abs(b))) end

describe("Taylor mode", function ()
  describe("against the duals", function ()
    local pts = {0.23, 0.41, 0.5, 0.55, 0.6, 0.77, 0.85}  -- 0.5, 0.55: kinks and ties in the battery
    it("agrees at orders 2..8 over the whole battery, NaN and inf where they are", function ()
      for i, f in ipairs(battery) do
        for _, x in ipairs(pts) do
          for n = 2, 8 do
            local t, d = cr.derivatives(f, x, n), dualpath(f, x, n)
            for k = 0, n do
              assert(same(t[k + 1], d[k + 1]), ("battery[%d] at %g, order %d of %d: taylor %.17g, duals %.17g")
                     :format(i, x, k, n, t[k + 1], d[k + 1]))
            end
          end
        end
      end
    end)
    it("gives derivative(f, x, k) bit for bit as derivatives(f, x, n)[k + 1]", function ()
      for i, f in ipairs(battery) do
        local all = cr.derivatives(f, 0.6, 12)
        for k = 2, 12 do
          local d, v = cr.derivative(f, 0.6, k)
          assert(d == all[k + 1] or (d ~= d and all[k + 1] ~= all[k + 1]), ("battery[%d] order %d"):format(i, k))
          assert(v == all[1] or v ~= v, ("battery[%d] value"):format(i))
        end
      end
    end)
    it("keeps the first order on duals, exactly as before", function ()
      for _, f in ipairs(battery) do
        for _, x in ipairs{0.5, 0.6, 0, -1, 1/0} do
          local a, b = cr.derivative(f, x), cr.value((cr.derivative(f, cr.dual(x, 0))))
          assert(a == b or (a ~= a and b ~= b))
          -- the series' first-order coefficient is the duals' own sum, bit for bit, NaN included
          local t = cr.derivatives(f, x, 5)[2]
          assert(t == a or (t ~= t and a ~= a), ("at %g: order 1 of 5 %.17g, duals %.17g"):format(x, t, a))
        end
      end
    end)
  end)

  describe("at high orders", function ()
    it("takes the 16th and 32nd derivatives of sum x^i/i exactly as the closed form", function ()
      local function P (x) local s = 0; for i = 1, 20 do s = s + x^i / i end; return s end
      for _, n in ipairs{16, 20, 32} do
        local want = 0  -- d^n/dx^n x^i/i = (i-1)!/(i-n)! x^(i-n)
        for i = n, 20 do
          local c = 1; for j = i - n + 1, i - 1 do c = c * j end
          want = want + c * 0.5^(i - n)
        end
        H.assert_close((cr.derivative(P, 0.5, n)), want, 1e-13, 0, "order " .. n)
      end
    end)
    it("reaches order 160: exp^(k)(0.5) = exp(0.5), sin cycles, x^3 vanishes past its degree", function ()
      local e = cr.derivatives(m.exp, 0.5, 160)
      for k = 0, 160 do H.assert_close(e[k + 1], math.exp(0.5), 1e-12, 0, "exp order " .. k) end
      local cyc = {math.sin(1), math.cos(1), -math.sin(1), -math.cos(1)}
      for _, n in ipairs{17, 50, 100, 160} do
        H.assert_close((cr.derivative(m.sin, 1, n)), cyc[n % 4 + 1], 1e-12, 0, "sin order " .. n)
      end
      assert.are.equal(6, (cr.derivative(function (x) return x^3 end, 0, 3)))
      assert.are.equal(0, (cr.derivative(function (x) return x^3 end, 0, 150)))
    end)
    it("refuses orders above 160 luaL style", function ()
      checkerr("bad argument #3 to 'derivative' (order must be at most 160, got 161)", cr.derivative, m.exp, 0, 161)
      checkerr("bad argument #3 to 'derivatives' (order must be at most 160, got 1000)", cr.derivatives, m.exp, 0, 1000)
    end)
  end)

  describe("nesting", function ()
    it("differentiates a Taylor-mode derivative with a dual: d/dx d2/dy2 (x y^3) at y = 1 is 6", function ()
      local d, v = cr.derivative(function (x) return cr.derivative(function (y) return x * y^3 end, 1, 2) end, 2)
      assert.are.equal(6, d); assert.are.equal(12, v)
    end)
    it("nests Taylor in Taylor: d2/dx2 of d3/dy3 (x y)^3 = 6 x^3 is 36 x", function ()
      local d = cr.derivative(function (x)
        return cr.derivative(function (y) return (x * y)^3 end, 1, 3)
      end, 2, 2)
      H.assert_close(d, 72, 1e-14, 0, "36 x at 2")
    end)
    it("nests a dual in Taylor: d2/dx2 of x * d/dy (x y) is 2", function ()
      assert.are.equal(2, (cr.derivative(function (x)
        return x * cr.derivative(function (y) return x * y end, 1)
      end, 3, 2)))
    end)
    it("is free of perturbation confusion at higher orders", function ()
      -- ForwardDiff's test: the inner derivative must not see the outer perturbation
      assert.are.equal(0, (cr.derivative(function (x)
        return x * cr.derivative(function (y) return (x + y)^2 end, 1, 2)
      end, 1, 2)))
      assert.are.equal(1, (cr.derivative(function (x)
        return x * cr.derivative(function (y) return x + y end, 1, 2) + x
      end, 1, 2) + 1))
      local d = cr.derivative(function (x)   -- d/dx [x * d2/dy2 (x y)^2] = d/dx 2 x^3 = 6 x^2
        return x * cr.derivative(function (y) return (x * y)^2 end, 3, 2)
      end, 2)
      assert.are.equal(24, d)
    end)
    it("takes a derivative at a Taylor point on the duals", function ()
      -- g(x) = f''(x^2), f = sin: g'' = d2/dx2 -sin(x^2) = -2cos(x^2) + 4x^2 sin(x^2)
      local g = function (x) return (cr.derivative(m.sin, x^2, 2)) end
      H.assert_close((cr.derivative(g, 0.7, 2)), -2 * math.cos(0.49) + 4 * 0.49 * math.sin(0.49), 1e-14, 0, "g''")
    end)
    it("works inside a gradient and a hessian", function ()
      local g = cr.gradient(function (v) return cr.derivative(function (y) return v[1] * y^3 end, 2, 2) end, {5})
      assert.are.equal(12, g[1])
      g = cr.gradient(function (v) return cr.derivative(function (y) return y^3 * v[1]^2 end, 2, 3) end, {5})
      assert.are.equal(60, g[1])
    end)
    it("refuses mixes past the 16-tag limit with the duals' message", function ()
      checkerr("too many nested derivatives (at most 16 tags in one value)", function ()
        return cr.derivative(function (x) return cr.derivative(function (y) return x * y end, 1, 17) end, 1)
      end)
    end)
  end)

  describe("the Taylor value", function ()
    local function inside (f) local r; cr.derivative(function (x) r = f(x); return x end, 1.5, 3); return r end
    it("prints as a truncated series and says its name", function ()
      assert.are.equal("1.5 + 1t + O(t⁴)", inside(tostring))
      assert.are.equal("chainrule.Taylor", inside(function (x) return getmetatable(x).__name end))
      assert.is_true(inside(cr.core.istaylor))
      assert.is_false(cr.core.istaylor(1.5))
      assert.is_false(inside(cr.isdual))
    end)
    it("has value and deriv along its newest seed, as duals do", function ()
      local sq = inside(function (x) return x^2 end)
      assert.are.equal(2.25, cr.value(cr.value(cr.value(sq))))
      assert.are.equal(3, cr.value(cr.value(cr.deriv(sq))))
      assert.are.equal(2, cr.value(cr.deriv(cr.deriv(sq))))
      assert.are.equal(0, cr.deriv(cr.deriv(cr.deriv(sq))))
      assert.are.equal("2.25 + 3t + 1t² + O(t³)", tostring(sq.value))
    end)
    it("compares on values and branches as duals do #cmp", function ()
      assert.is_true(inside(function (x) return x < 2 and x > 1 and x <= 1.5 and x >= 1.5 end))
      assert.is_true(inside(function (x) return x == x and x < cr.dual(2) end))
      assert.are.equal(6, (cr.derivative(function (x) if x < 2 then return x^3 end return x^2 end, 1, 3)))
      assert.are.equal(2, (cr.derivative(function (x) if x < 2 then return x^3 end return x^2 end, 3, 2)))
    end)
    it("takes numbers, numeric strings and cr.math", function ()
      local d = cr.derivative(function (x) return "2" * x^2 + m.sin(x) * m.max(x, 0, 1) end, 0.5, 2)
      H.assert_close(d, 4 - math.sin(0.5) * 1, 1e-15, 0, "order 2")
    end)
    it("refuses what is not a number with Lua's messages #lua53", function ()
      checkerr("attempt to perform arithmetic on a table value", inside, function (x) return x + {} end)
      checkerr("attempt to compare chainrule.Taylor with string", inside, function (x) return x < "a" end)
      checkerr("number expected, got chainrule.Taylor", inside, math.sin)
      checkerr("derivative: function returned a table, expected a number or dual",
               cr.derivative, function () return {} end, 1, 2)
      checkerr("derivatives: function returned nil, expected a number or dual",
               cr.derivatives, function () end, 1, 2)
    end)
    it("trusts no foreign userdata that was given its metatable #cmp", function ()
      local mt = inside(getmetatable)
      local u = io.tmpfile()
      debug.setmetatable(u, mt)
      checkerr("attempt to perform arithmetic on a chainrule.Taylor value", function () return u + 1 end)
      checkerr("attempt to compare chainrule.Taylor with number", function () return u < 1 end)
      checkerr("attempt to compare", function () return inside(function (x) return x < u end) end)
      assert.is_false(cr.istaylor(u))
      debug.setmetatable(u, getmetatable(io.stdout))
      u:close()
    end)
  end)
end)
