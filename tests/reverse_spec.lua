-- reverse_spec.lua: reverse mode (tape, Var, gradient, jacobian, hessian, hvp, check), nesting, MLP
local cr = require "chainrule"
local core = require "chainrule.core"
local m = cr.math

local function sum (v) local s = 0 for i = 1, #v do s = s + v[i] end return s end
local function norm (v) local s = 0 for i = 1, #v do s = s + v[i] * v[i] end return m.sqrt(s) end

local function rosen (x) return (1 - x[1]) ^ 2 + 100 * (x[2] - x[1] ^ 2) ^ 2 end
local function rosen_grad (x, y) return {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)} end
local function rosen_hess (x, y)
  return {{2 - 400 * (y - x * x) + 800 * x * x, -400 * x}, {-400 * x, 200}}
end

local function vf (x) return {x[1] * x[2], m.sin(x[1]), x[2] ^ 2} end

-- rounding in a few dozen operations: 1e-13 relative is generous and still exact in spirit
local REL = 1e-13

describe("micrograd's reference tests (object API)", function ()
  it("sanity check: y = -20, dy/dx = 46 at x = -4", function ()
    local x = cr.param(-4.0)
    local z = 2 * x + 2 + x
    local q = m.relu(z) + z * x
    local h = m.relu(z * z)
    local y = h + q + q * x
    y:backward()
    assert.are.equal(-20, y.value)
    assert.are.equal(46, x.grad)
  end)

  it("more ops: g = 24.70408163, dg/da = 138.83381926, dg/db = 645.57725953", function ()
    local a, b = cr.param(-4.0), cr.param(2.0)
    local c = a + b
    local d = a * b + b ^ 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + m.relu(b + a)
    d = d + 3 * d + m.relu(b - a)
    local e = c - d
    local f = e ^ 2
    local g = f / 2.0
    g = g + 10.0 / f
    g:backward()
    -- the published values (micrograd vs PyTorch) agree with ours to 1e-10 relative
    H.assert_close(g.value, 24.70408163, 1e-9, 0, "g")
    H.assert_close(a.grad, 138.83381926, 1e-9, 0, "dg/da")
    H.assert_close(b.grad, 645.57725953, 1e-9, 0, "dg/db")
    -- by hand: c = 3a + 4b + 3 = -1, d = 12(ab + b^3) + (b - a) = 6, e = c - d = -7,
    -- g = e^2/2 + 10/e^2, dg/de = e - 20/e^3; de/da = 3 - (12b - 1), de/db = 4 - (12(a + 3b^2) + 1)
    local dgde = -7 + 20 / 343
    H.assert_close(g.value, 24.5 + 10 / 49, 1e-15, 0, "g exactly")
    H.assert_close(a.grad, dgde * -20, 1e-15, 0, "dg/da exactly")
    H.assert_close(b.grad, dgde * -93, 1e-15, 0, "dg/db exactly")
    local da = cr.derivative(function (t)
      local c2 = t + 2; local d2 = t * 2 + 8
      c2 = c2 + c2 + 1; c2 = c2 + 1 + c2 + (-t)
      d2 = d2 + d2 * 2 + m.relu(2 + t); d2 = d2 + 3 * d2 + m.relu(2 - t)
      local e2 = c2 - d2
      return (e2 ^ 2) / 2 + 10 / e2 ^ 2
    end, -4.0)
    H.assert_close(a.grad, da, 1e-14, 0, "dg/da vs forward mode")
  end)
end)

describe("backward and .grad", function ()
  it("accumulates: backward twice gives exactly twice, zero_grad resets", function ()
    local p = cr.param(3.0)
    local y = p * p + m.sin(p)
    local g1 = 2 * 3.0 + math.cos(3.0)
    y:backward()
    assert.are.equal(g1, p.grad)
    y:backward()
    assert.are.equal(2 * g1, p.grad)
    cr.zero_grad{p}
    assert.are.equal(0, p.grad)
    local z = p * 5  -- a new tape after backward; grads from it add up too
    z:backward()
    assert.are.equal(5, p.grad)
  end)

  it("a param used twice in one op gets both partials", function ()
    local p = cr.param(-2.0)
    local y = p * p
    y:backward()
    assert.are.equal(-4, p.grad)
  end)

  it("sees a param's new value after an update", function ()
    local p = cr.param(1.0)
    local y1 = p * p
    y1:backward()
    p.value = 3.0
    p.grad = 0
    local y2 = p * p
    assert.are.equal(9, y2.value)
    y2:backward()
    assert.are.equal(6, p.grad)
    assert.are.equal(1, y1.value)  -- the old tape keeps the old value
  end)

  it("has .value, cr.value, comparisons and a readable tostring #cmp", function ()
    local p = cr.param(0.5)
    local y = p * 4
    assert.are.equal(2, y.value)
    assert.are.equal(2, cr.value(y))
    assert.are.equal(0.5, cr.value(p))
    assert.is_true(y > 1 and y < 3 and y >= 2 and y <= 2 and 1 < y)
    assert.is_true(cr.isvar(y) and cr.isvar(p) and not cr.isvar(2))
    assert.matches("^Var%(2", tostring(y))
    assert.matches("^param%(0.5", tostring(p))
    assert.is_nil(y.grad)
  end)

  it("frees a tape once its Vars are unreachable, without backward", function ()
    local p = cr.param(2)
    collectgarbage()
    local live = core.tapestats()
    do local y = p * 2 + 1; assert.are.equal(5, y.value) end
    assert.are.equal(live + 1, (core.tapestats()))
    collectgarbage()
    collectgarbage()
    assert.are.equal(live, (core.tapestats()))
    local y = p * 3  -- a fresh tape, and the param joins it again
    y:backward()
    assert.are.equal(3, p.grad)
  end)

  it("records a dual operand as a generic node; .grad takes the real part", function ()
    local p = cr.param(2)
    local y = p * cr.dual(3, 1) + p
    assert.is_true(cr.isdual(y.value))
    assert.are.equal(8, cr.value(y.value))
    assert.are.equal(2, cr.deriv(y.value))
    y:backward()
    assert.are.equal(4, p.grad)
  end)

  it("no_grad computes values only", function ()
    local p = cr.param(2.0)
    local r, extra = cr.no_grad(function (a) return p * p + a, "x" end, 1)
    assert.are.equal(5, r)
    assert.are.equal("x", extra)
    assert.are.equal("number", type(r))
    local y = p * p  -- recording is back on
    assert.is_true(cr.isvar(y))
    H.checkerr("boom", cr.no_grad, function () error("boom") end)
    assert.is_true(cr.isvar(p * 1))  -- an error inside no_grad restores recording
  end)

  it("records every operator and mixes with numbers on either side", function ()
    local x = cr.param(1.5)
    local ops = {
      {function (v) return v + 2 end, 1}, {function (v) return 2 - v end, -1},
      {function (v) return v * v * v end, 3 * 1.5 ^ 2}, {function (v) return 3 / v end, -3 / 1.5 ^ 2},
      {function (v) return v ^ 3 end, 3 * 1.5 ^ 2}, {function (v) return 2 ^ v end, 2 ^ 1.5 * math.log(2)},
      {function (v) return -v end, -1}, {function (v) return v % 1 end, 1},
      {function (v) return H.idiv(v, 1) end, 0},
    }
    for i, c in ipairs(ops) do
      cr.zero_grad{x}
      c[1](x):backward()
      H.assert_close(x.grad, c[2], 1e-15, 0, "operator " .. i)
    end
  end)
end)

describe("gradient", function ()
  it("matches Rosenbrock's analytic gradient and returns f(x)", function ()
    for _, p in ipairs{{-1.2, 1}, {1, 1}, {0.3, -0.7}, {2, 3.5}} do
      local g, v = cr.gradient(rosen, p)
      local e = rosen_grad(p[1], p[2])
      H.assert_close(g[1], e[1], REL, 0, "d/dx")
      H.assert_close(g[2], e[2], REL, 0, "d/dy")
      H.assert_close(v, rosen(p), REL, 0, "value")
    end
  end)

  it("takes several arguments: gradient(f, a, b, c)", function ()
    local g, v = cr.gradient(function (a, b, c) return a * b * c + m.exp(a) end, 2, 3, 4)
    H.assert_close(g[1], 12 + math.exp(2), REL, 0, "d/da")
    assert.are.equal(8, g[2])
    assert.are.equal(6, g[3])
    H.assert_close(v, 24 + math.exp(2), REL, 0, "value")
  end)

  it("handles many inputs: sum of x_i^2 + sin(x_i x_{i+1})", function ()
    local n, x = 200, {}
    for i = 1, n do x[i] = 0.01 * i end
    local g = cr.gradient(function (v)
      local s = 0
      for i = 1, n - 1 do s = s + v[i] ^ 2 + m.sin(v[i] * v[i + 1]) end
      return s + v[n] ^ 2
    end, x)
    for i = 1, n do
      local e = 2 * x[i]
      if i < n then e = e + x[i + 1] * math.cos(x[i] * x[i + 1]) end
      if i > 1 then e = e + x[i - 1] * math.cos(x[i - 1] * x[i]) end
      H.assert_close(g[i], e, REL, 0, "component " .. i)
    end
  end)

  it("differentiates with respect to the inputs even when f overwrites its array", function ()
    local g, v = cr.gradient(function (x)
      x[1] = x[1] * 2  -- f's own array: the gradient is still d/dx1 of 2*x1*x2
      return x[1] * x[2]
    end, {3, 4})
    assert.are.same({8, 6}, g)
    assert.are.equal(24, v)
  end)

  it("cr.math functions take Vars directly, on either side of numbers", function ()
    local g = cr.gradient(function (x) return m.hypot(x[1], 4) + m.atan(x[2], x[1]) + m.max(2, x[2]) end,
      {3, 5})
    -- d/dx1: 3/5 + d/dx1 atan(x2/x1) = -x2/(x1^2+x2^2); d/dx2: x1/(x1^2+x2^2) + 1 (max picks x2)
    H.assert_close(g[1], 3 / 5 - 5 / 34, REL, 0, "d/dx1")
    H.assert_close(g[2], 3 / 34 + 1, REL, 0, "d/dx2")
    H.checkerr("attempt to perform arithmetic on a table value", cr.gradient,
      function (x) return m.hypot(x[1], {}) end, {1})
  end)

  it("gives zeros for a constant function and an empty input", function ()
    local g, v = cr.gradient(function () return 7 end, {1, 2})
    assert.are.same({0, 0}, g)
    assert.are.equal(7, v)
    g, v = cr.gradient(function () return 1 end, {})
    assert.are.same({}, g)
  end)

  it("releases its tape when it returns", function ()
    collectgarbage()
    local live = core.tapestats()
    for _ = 1, 100 do cr.gradient(rosen, {1, 2}) end
    assert.are.equal(live, (core.tapestats()))
  end)
end)

describe("jacobian, hessian, hvp", function ()

  it("jacobian of a vector function (more outputs: forward mode)", function ()
    local J, v = cr.jacobian(vf, {2, 3})
    local e = {{3, 2}, {math.cos(2), 0}, {0, 6}}
    for i = 1, 3 do for j = 1, 2 do H.assert_close(J[i][j], e[i][j], REL, 0, "J") end end
    assert.are.same({6, math.sin(2), 9}, v)
  end)

  it("jacobian with fewer outputs (reverse mode) agrees with the analytic one", function ()
    local J = cr.jacobian(function (x) return {x[1] * x[2] * x[3], x[1] + m.exp(x[3])} end, {2, 3, 4})
    local e = {{12, 8, 6}, {1, 0, math.exp(4)}}
    for i = 1, 2 do for j = 1, 3 do H.assert_close(J[i][j], e[i][j], REL, 0, "J") end end
  end)

  it("hessian of Rosenbrock matches the analytic one", function ()
    for _, p in ipairs{{-1.2, 1}, {1, 1}, {0.5, 2}} do
      local Hm, g, v = cr.hessian(rosen, p)
      local e = rosen_hess(p[1], p[2])
      for i = 1, 2 do for j = 1, 2 do H.assert_close(Hm[i][j], e[i][j], REL, 0, "H") end end
      local eg = rosen_grad(p[1], p[2])
      H.assert_close(g[1], eg[1], REL, 0, "g")
      H.assert_close(v, rosen(p), REL, 0, "value")
    end
  end)

  it("hessian of a three-variable function is symmetric and exact", function ()
    local function f (v) return v[1] * v[2] * v[3] + m.exp(v[1]) * m.sin(v[2]) + v[3] ^ 3 / v[2] end
    local x, y, z = 0.5, 1.5, -2
    local Hm = cr.hessian(f, {x, y, z})
    local e = {
      {math.exp(x) * math.sin(y), z + math.exp(x) * math.cos(y), y},
      {z + math.exp(x) * math.cos(y), -math.exp(x) * math.sin(y) + 2 * z ^ 3 / y ^ 3, x - 3 * z ^ 2 / y ^ 2},
      {y, x - 3 * z ^ 2 / y ^ 2, 6 * z / y},
    }
    for i = 1, 3 do for j = 1, 3 do H.assert_close(Hm[i][j], e[i][j], REL, 1e-15, "H") end end
  end)

  it("hvp equals H v without forming H", function ()
    local p, v = {-1.2, 1}, {1, 2}
    local hv, g, val = cr.hvp(rosen, p, v)
    local e = rosen_hess(p[1], p[2])
    H.assert_close(hv[1], e[1][1] * v[1] + e[1][2] * v[2], REL, 0, "Hv 1")
    H.assert_close(hv[2], e[2][1] * v[1] + e[2][2] * v[2], REL, 0, "Hv 2")
    H.assert_close(g[2], rosen_grad(p[1], p[2])[2], REL, 0, "g")
    H.assert_close(val, rosen(p), REL, 0, "value")
  end)
end)

describe("nesting and mixing", function ()
  it("passes ForwardDiff's perturbation-confusion test", function ()
    local g = cr.gradient(function (v)
      return sum(v) * cr.derivative(function (y) return y * norm(v) end, 1)
    end, {1})
    assert.are.same({2}, g)
  end)

  it("a derivative inside a gradient, first and second order", function ()
    local v1, v2 = 0.8, 1.7
    local g = cr.gradient(function (v)
      return cr.derivative(function (t) return m.sin(t * v[1]) * v[2] end, 0.5)
    end, {v1, v2})
    H.assert_close(g[1], math.cos(0.5 * v1) * v2 - 0.5 * v1 * math.sin(0.5 * v1) * v2, REL, 0, "d/dv1")
    H.assert_close(g[2], v1 * math.cos(0.5 * v1), REL, 0, "d/dv2")
    g = cr.gradient(function (v) return cr.derivative(function (t) return t ^ 3 * v[1] end, 2, 2) end, {5})
    assert.are.equal(12, g[1])
  end)

  it("a gradient inside a derivative", function ()
    local d = cr.derivative(function (x)
      return cr.gradient(function (v) return v[1] ^ 2 * x end, {3})[1]
    end, 2)
    assert.are.equal(6, d)
  end)

  it("the derivative of a gradient is a column of the Hessian", function ()
    local col = cr.derivative(function (t) return cr.gradient(rosen, {t, 1})[2] end, -1.2)
    H.assert_close(col, rosen_hess(-1.2, 1)[2][1], REL, 0, "d/dx of d/dy")
  end)

  it("deeper nestings: third order, derivative in a Hessian, hvp in a derivative", function ()
    local f = function (v) return v[1] ^ 4 * v[2] end
    -- d/dx of H11 = d/dx 12 x^2 y = 24 x y
    assert.are.equal(12, cr.derivative(function (t) return cr.hessian(f, {t, 1})[1][1] end, 0.5))
    -- v1 * d/dy (y^2 v2) at y = 3 is 6 v1 v2: H12 = 6
    assert.are.equal(6, cr.hessian(function (v)
      return v[1] * cr.derivative(function (y) return y ^ 2 * v[2] end, 3)
    end, {2, 5})[1][2])
    -- d/da of d2/dy2 sin(a y) = d/da (-a^2 sin(a y)) = -2a sin(a y) - a^2 y cos(a y)
    local a, y = 1.7, 0.3
    H.assert_close(cr.gradient(function (v)
      return cr.derivative(function (t) return m.sin(t * v[1]) end, y, 2)
    end, {a})[1], -2 * a * math.sin(a * y) - a * a * y * math.cos(a * y), REL, 0, "d/da f''")
    -- d/dt of (H e1)_1 for v1^3 v2 t at (1, 2): d/dt 6 v1 v2 t = 12
    assert.are.equal(12, cr.derivative(function (t)
      return cr.hvp(function (v) return v[1] ^ 3 * v[2] * t end, {1, 2}, {1, 0})[1]
    end, 5))
    -- a dual made inside the gradient and read with cr.deriv: d/dv1 (3 d^2 v1 v2) = 3 d^2 v2
    assert.are.equal(48, cr.gradient(function (v)
      local d = cr.dual(2, 1)
      return cr.deriv(v[1] * d * d * d) * v[2]
    end, {3, 4})[1])
  end)

  it("a param or another tape's Var as the result depends on no input", function ()
    local p = cr.param(3)
    local g, v = cr.gradient(function () return p end, {1})
    assert.are.same({0}, g)
    assert.are.equal(3, v)
    assert.are.same({0, 0}, cr.jacobian(function (x) return {p, x[1]} end, {1, 2})[1])
    assert.is_true((cr.check(function (x) return p * x[1] end, {2})))
  end)

  it("cr.deriv of a Var stays on the tape", function ()
    local x = cr.dual(2, 1)
    local g = cr.gradient(function (v) return cr.deriv(v[1] * x * x) end, {3})
    assert.are.equal(4, g[1])  -- d/dv of (d/dx v x^2) = 2x
  end)

  it("duals and Vars mix in both orders", function ()
    local d = cr.derivative(function (x)
      local g = cr.gradient(function (v) return x * v[1] + v[1] * x * x end, {2})
      return g[1]
    end, 3)
    assert.are.equal(7, d)  -- d/dx (x + x^2) = 1 + 2x
    local ok = cr.derivative(function (x)
      return cr.gradient(function (v) return m.atan(v[1], x) end, {1})[1]
    end, 2)
    -- d/dx of d/dy atan(y, x) = d/dx x/(x^2+y^2) = (y^2 - x^2)/(x^2+y^2)^2
    H.assert_close(ok, (1 - 4) / 25, REL, 0, "atan2")
  end)
end)

describe("tape errors", function ()
  it("refuses Vars from two different tapes", function ()
    H.checkerr("cannot mix Vars from two different tapes", cr.gradient, function (v)
      return cr.gradient(function (w) return w[1] * v[1] end, {2})[1]
    end, {3})
    local p = cr.param(1)
    local y1 = p * 2
    y1:backward()
    local y2 = p * 3
    H.checkerr("cannot mix Vars from two different tapes", function () return y1 + y2 end)
  end)

  it("refuses a Var that escaped a finished gradient call", function ()
    local esc
    cr.gradient(function (v) esc = v[1] * 2; return esc end, {1})
    H.checkerr("this Var belongs to a gradient call that has returned", function () return esc + 1 end)
    H.checkerr("this Var belongs to a gradient call that has returned", function () return esc.value end)
  end)

  it("keeps refusing an escaped Var after later calls reuse its tape's memory", function ()
    local esc
    cr.gradient(function (v) esc = v[1] * 2; return esc end, {1})
    for i = 1, 20 do  -- the pool hands the same tape to these calls
      local g = cr.gradient(function (v) return v[1] * v[1] end, {i})
      assert.are.equal(2 * i, g[1])
    end
    H.checkerr("this Var belongs to a gradient call that has returned", function () return esc * 3 end)
    H.checkerr("this Var belongs to a gradient call that has returned", function () return m.sin(esc) end)
    H.checkerr("this Var belongs to a gradient call that has returned", cr.gradient,
      function (v) return v[1] + esc end, {1})
    assert.are.equal("Var(released)", tostring(esc))
  end)

  it("ends the Vars of a dropped tape handle instead of reading freed memory", function ()
    local T = core.tape_new()
    local v = core.tape_vars(T, {2})[1]
    local w = v * 3
    T = nil  -- luacheck: ignore
    collectgarbage()
    collectgarbage()
    H.checkerr("this Var belongs to a gradient call that has returned", function () return w + 1 end)
    local T2 = core.tape_new()
    core.tape_release(T2)
    core.tape_release(T2)  -- twice is harmless
    H.checkerr("tape_grad' (tape already released)", core.tape_grad, w, T2, 0)
    H.checkerr("tape_vars' (chainrule.Tape expected, got table)", core.tape_vars, {}, {1})
  end)

  it("ends the tape of a gradient call abandoned in a suspended coroutine #lua54", function ()
    local function abandoned ()
      local co = coroutine.wrap(function ()
        return cr.gradient(function (x) coroutine.yield(x); return x end, 1.0)
      end)
      return co()  -- the coroutine, and with it the call's tape handle, is garbage now
    end
    collectgarbage()
    collectgarbage()
    local live0 = core.tapestats()
    local x = abandoned()
    collectgarbage()
    collectgarbage()
    H.checkerr("this Var belongs to a gradient call that has returned", function () return x * 2 end)
    -- finalizers that end the tape in the middle of operations (a collection at every allocation)
    local mode = collectgarbage("incremental", 0, 100, 0)
    local ok, err = pcall(function ()
      for _ = 1, 300 do
        local y = abandoned()
        local p = cr.param(2)
        local ok1, e1 = pcall(function () for _ = 1, 50 do y = y * p + 1 end end)
        assert(ok1 or tostring(e1):find("this Var belongs to a gradient call that has returned", 1, true),
          tostring(e1))
      end
    end)
    collectgarbage("incremental", 200, 100, 13)  -- Lua's defaults, then the mode the runner had
    if mode == "generational" then collectgarbage("generational") end
    assert(ok, err)
    collectgarbage()
    collectgarbage()
    assert.are.equal(live0, (core.tapestats()))
  end)

  it("uses a small pool of tapes, however many gradient calls run", function ()
    collectgarbage()
    local _, _, pool0 = core.tapestats()
    for i = 1, 2000 do
      local d = cr.derivative(function (t)  -- a gradient inside a derivative inside a gradient's loop
        return cr.gradient(function (v) return v[1] * t * t end, {i})[1]
      end, 1.5)
      assert.are.equal(3, d)
    end
    local live, _, pool = core.tapestats()
    assert.is_true(pool <= math.max(pool0, 2), ("pool grew from %d to %d"):format(pool0, pool))
    assert.is_true(live <= 1, "tapes in use: " .. live)
  end)

  it("stops at the size limit with a clear error", function ()
    local old = cr.tapelimit(50)
    assert.are.equal(10000000, old)
    H.checkerr("tape size limit of 50 nodes reached (raise it with cr.tapelimit)", cr.gradient,
      function (v) local s = 0; for i = 1, 100 do s = s + v[1] * i end; return s end, {1})
    cr.tapelimit(old)
    assert.are.equal(old, cr.tapelimit())
    local g = cr.gradient(function (v) local s = 0; for i = 1, 100 do s = s + v[1] * i end; return s end, {1})
    assert.are.equal(5050, g[1])
  end)

  it("reports bad arguments by name", function ()
    H.checkerr("bad argument #1 to 'gradient' (function expected, got nil)", cr.gradient, nil, {1})
    H.checkerr("bad argument #2 to 'gradient' (array of numbers expected, got string at index 2)",
      cr.gradient, rosen, {1, "x"})
    H.checkerr("bad argument #2 to 'gradient' (number or array expected, got no value)", cr.gradient, rosen)
    H.checkerr("gradient: function returned a string, expected a number, dual or Var",
      cr.gradient, function () return "x" end, {1})
    H.checkerr("gradient: function returned nil, expected a number, dual or Var",
      cr.gradient, function () end, {1})
    H.checkerr("bad argument #2 to 'jacobian' (array expected, got number)", cr.jacobian, vf, 1)
    H.checkerr("jacobian: function returned a chainrule.Var, expected an array", cr.jacobian, rosen, {1, 2})
    H.checkerr("bad argument #1 to 'hessian' (function expected, got table)", cr.hessian, {}, {1})
    H.checkerr("bad argument #3 to 'hvp' (vector of length 2 expected, got 1)", cr.hvp, rosen, {1, 2}, {1})
    H.checkerr("bad argument #3 to 'check' (options table expected, got number)", cr.check, rosen, {1, 2}, 5)
    H.checkerr("bad argument #1 to 'param' (number expected, got string)", cr.param, "x")
    H.checkerr("bad argument #1 to 'zero_grad' (param expected at index 1, got number)", cr.zero_grad, {1})
    H.checkerr("bad argument #1 to 'no_grad' (function expected, got nil)", cr.no_grad)
    H.checkerr("bad argument #1 to 'tapelimit' (integer between 1 and 2^31-1 expected, got 0)",
      cr.tapelimit, 0)
    local p = cr.param(1)
    H.checkerr("cannot set field 'foo' of a param", function () p.foo = 1 end)
    H.checkerr("cannot set field 'value' of a Var", function () local y = p * 2; y.value = 1 end)
    H.checkerr("attempt to perform arithmetic on a table value", function () return p + {} end)
    H.checkerr("boom", cr.gradient, function () error("boom") end, {1})
    -- after an error inside f the object API still records onto its own tapes
    local y = p * 2
    y:backward()
    assert.are.equal(2, p.grad)
  end)
end)

describe("check", function ()
  it("accepts a right gradient and reports per input", function ()
    local ok, worst, report = cr.check(rosen, {-1.2, 1})
    assert.is_true(ok)
    assert.is_true(worst < 1e-6)
    assert.are.equal(2, #report)
    assert.are.equal(1, report[1].index)
    H.assert_close(report[1].analytic, rosen_grad(-1.2, 1)[1], REL, 0, "analytic")
    H.assert_close(report[1].numeric, rosen_grad(-1.2, 1)[1], 1e-6, 0, "numeric")
  end)

  it("catches a wrong gradient (a function that lies about its derivative)", function ()
    -- floor has derivative 0 everywhere, but a step inside the difference interval shows up
    local ok, worst, report = cr.check(function (x) return m.floor(x[1] * 1e7) end, {0.30000001})
    assert.is_false(ok)
    H.assert_close(worst, 1, 1e-6, 0, "worst relative error (analytic 0, numeric 1e7)")
    assert.is_false(report[1].ok)
  end)

  -- every function of cr.math at a point inside its domain, away from kinks
  local one = {"sin", "cos", "tan", "exp", "sqrt", "sinh", "cosh", "tanh", "asinh",
               "log1p", "expm1", "cbrt", "erf", "sigmoid", "softplus", "deg", "rad"}
  local cases = {}
  for _, name in ipairs(one) do cases[#cases + 1] = {name, function (x) return m[name](x[1]) end, {0.7}} end
  local more = {
    {"asin", function (x) return m.asin(x[1]) end, {0.3}},
    {"acos", function (x) return m.acos(x[1]) end, {0.3}},
    {"atanh", function (x) return m.atanh(x[1]) end, {0.3}},
    {"acosh", function (x) return m.acosh(x[1]) end, {1.7}},
    {"atan", function (x) return m.atan(x[1]) end, {0.7}},
    {"atan(y, x)", function (x) return m.atan(x[1], x[2]) end, {0.7, -1.3}},
    {"log", function (x) return m.log(x[1]) end, {0.7}},
    {"log(x, 2)", function (x) return m.log(x[1], 2) end, {0.7}},
    {"log(x, 10)", function (x) return m.log(x[1], 10) end, {0.7}},
    {"log(x, b)", function (x) return m.log(x[1], x[2]) end, {0.7, 3}},
    {"abs", function (x) return m.abs(x[1]) end, {-0.7}},
    {"relu", function (x) return m.relu(x[1]) end, {0.7}},
    {"relu<0", function (x) return m.relu(x[1]) end, {-0.7}},
    {"floor", function (x) return m.floor(x[1]) end, {0.7}},
    {"ceil", function (x) return m.ceil(x[1]) end, {0.7}},
    {"fmod", function (x) return m.fmod(x[1], x[2]) end, {5.3, 2.1}},
    {"hypot", function (x) return m.hypot(x[1], x[2]) end, {0.7, -1.3}},
    {"max", function (x) return m.max(x[1], x[2], x[3]) end, {0.7, 1.3, -2}},
    {"min", function (x) return m.min(x[1], x[2], x[3]) end, {0.7, 1.3, -2}},
    {"modf", function (x) local i, f = m.modf(x[1]); return i + 3 * f end, {2.7}},
    {"pow", function (x) return x[1] ^ x[2] end, {1.7, 2.3}},
    {"mod", function (x) return x[1] % x[2] end, {5.3, 2.1}},
  }
  -- Lua's LUA_COMPAT_MATHLIB functions, where this Lua has them
  local compat = {
    {"atan2", function (x) return m.atan2(x[1], x[2]) end, {0.7, -1.3}},
    {"log10", function (x) return m.log10(x[1]) end, {0.7}},
    {"pow", function (x) return m.pow(x[1], x[2]) end, {1.7, 2.3}},
    {"ldexp", function (x) return m.ldexp(x[1], 3) end, {0.7}},
    {"frexp", function (x) local f, e = m.frexp(x[1]); return f * e end, {5.3}},
  }
  for _, c in ipairs(compat) do if m[c[1]] then more[#more + 1] = c end end
  for _, c in ipairs(more) do cases[#cases + 1] = c end

  it("passes on every cr.math function", function ()
    for _, c in ipairs(cases) do
      local ok, worst = cr.check(c[2], c[3])
      assert(ok, c[1] .. " fails gradcheck (worst " .. tostring(worst) .. ")")
      assert(worst < 1e-6, c[1] .. ": worst relative error " .. worst)
    end
    -- and every op of the core table reachable from Lua has a case above or is an operator
    local covered = {}
    for _, c in ipairs(cases) do covered[c[1]:match("^[%w_]+")] = true end
    for name in pairs(m) do
      -- not numeric functions
      if type(m[name]) == "function" and not ({type = 1, tointeger = 1, ult = 1, random = 1,
          randomseed = 1})[name] then
        assert(covered[name], "no gradcheck case for cr.math." .. name)
      end
    end
  end)
end)

describe("training", function ()
  it("the MLP reaches 95% accuracy on the half-moons within 60 epochs #lua53", function ()
    local mlp = dofile("scripts/mlp.lua")
    local res = mlp.train{epochs = 60, quiet = true}
    assert.is_true(res.accuracy >= 0.95, "accuracy " .. res.accuracy)
    assert.is_true(res.reached ~= nil and res.reached <= 60)
  end)

  it("keeps memory flat over 10^6 steps of a training loop #lua54", function ()
    local w, b = cr.param(0.0), cr.param(0.0)
    local before, live0
    for step = 1, 1000000 do
      local x = (step % 10) / 10
      local loss = (w * x + b - (2 * x + 1)) ^ 2
      loss:backward()
      w.value = w.value - 0.05 * w.grad
      b.value = b.value - 0.05 * b.grad
      w.grad, b.grad = 0, 0
      if step == 100000 then
        collectgarbage()
        collectgarbage()  -- tapes have finalizers: the second cycle frees them
        before, live0 = collectgarbage("count"), core.tapestats()
      end
    end
    collectgarbage()
    collectgarbage()
    local after, live = collectgarbage("count"), core.tapestats()
    assert.is_true(after < before + 64, ("Lua memory grew from %.0f to %.0f KB"):format(before, after))
    assert.is_true(live <= live0 + 1 and live <= 4, "tapes alive: " .. live)
    H.assert_close(w.value, 2, 1e-9, 0, "w")
    H.assert_close(b.value, 1, 1e-9, 0, "b")
  end)
end)
