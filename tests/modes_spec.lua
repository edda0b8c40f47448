-- modes_spec.lua: forward and reverse mode agree, and nest inside each other
local cr = require "chainrule"
local cm = cr.math

describe("forward and reverse mode", function ()
  it("agree on every cr.math function", function ()
    for _, name in ipairs{"sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "sqrt",
        "sinh", "cosh", "tanh", "asinh", "atanh", "log1p", "expm1", "cbrt", "erf", "sigmoid",
        "softplus", "abs", "relu"} do
      for _, x in ipairs{0.2, 0.5, 0.7} do
        local d, v = cr.derivative(cm[name], x)
        local g, gv = cr.gradient(cm[name], x)
        assert.are.equal(v, gv, name .. " value")
        H.assert_close(g[1], d, 1e-15, 0, name .. "'")
      end
    end
  end)
  it("follow the same strong-zero rule: 0 * sqrt(x) at 0 has derivative 0", function ()
    local f = function (x) return 0 * cm.sqrt(x) end
    assert.are.equal(0, (cr.derivative(f, 0)))
    assert.are.equal(0, cr.gradient(f, 0)[1])
  end)
end)

describe("a derivative taken at a point that depends on a gradient's inputs", function ()
  it("is the next derivative: gradient of x -> sin'(x) is -sin(x)", function ()
    local g = cr.gradient(function (x) return cr.derivative(cm.sin, x) end, 0.3)
    H.assert_close(g[1], -math.sin(0.3), 1e-15, 0, "d/dx sin'(x)")
  end)
  it("works at higher orders: d/dx exp'''(x) = exp(x)", function ()
    local g = cr.gradient(function (x) return cr.derivative(cm.exp, x, 3) end, 0.3)
    H.assert_close(g[1], math.exp(0.3), 1e-15, 0, "d/dx exp'''")
  end)
  it("mixes with closed-over Vars: grad of v -> d/dy (y^2 v2) at y = 2 v1", function ()
    -- d/dy (y^2 v2) = 2 y v2 = 4 v1 v2, so the gradient is (4 v2, 4 v1)
    local g = cr.gradient(function (v)
      return cr.derivative(function (y) return y * y * v[2] end, v[1] * 2)
    end, {1.5, 3})
    assert.are.equal(12, g[1]); assert.are.equal(6, g[2])
  end)
  it("nests three deep: d/dx of grad_y of d/dz (z^2 y x) at z = y, y = x", function ()
    -- d/dz = 2 z y x = 2 y^2 x at z = y; grad in y: 4 y x = 4 x^2 at y = x; d/dx: 8x
    local d = cr.derivative(function (x)
      return cr.gradient(function (y)
        return cr.derivative(function (z) return z * z * y * x end, y)
      end, x)[1]
    end, 2)
    assert.are.equal(16, d)
  end)
  it("works with a derivative per input, for many inputs", function ()
    -- review found inner tags past 64 silently dropped: the gradient came back as duals
    local function f (v)
      local s = 0
      for i = 1, #v do s = s + cr.derivative(function (y) return y * y * v[i] end, 1) end
      return s
    end
    local x = {}
    for i = 1, 200 do x[i] = i end
    local g = cr.gradient(f, x)
    for i = 1, 200 do assert.are.equal(2, g[i]) end   -- d/dv_i of 2*v_i
    for i = 1, 1100 do x[i] = i end
    g = cr.gradient(f, x)   -- no limit on the count: each tag ends where its derivative began
    assert.are.equal(1100, #g)
    for i = 1, 1100 do assert.are.equal(2, g[i]) end
  end)
  it("sums any number of derivatives of the same inputs, with only nesting depth limited", function ()
    -- 17 derivatives of v1 * y^2 at y = v2 all reach v1 and v2: at most 16 tags could meet there
    local function f (v)
      local s = 0
      for _ = 1, 40 do s = s + cr.derivative(function (y) return y * y * v[1] end, v[2]) end
      return s
    end
    local g, val = cr.gradient(f, {1.5, 2})
    assert.are.equal(40 * 2 * 2 * 1.5, val)
    assert.are.equal(40 * 2 * 2, g[1])     -- d/dv1 of 80 v1 v2
    assert.are.equal(40 * 2 * 1.5, g[2])
    -- a physics-style loss: many second derivatives of one network output
    local function loss (w)
      local s = 0
      for k = 1, 20 do
        s = s + cr.derivative(function (y) return cr.math.sin(w[1] * y) * w[2] end, k / 10, 2)
      end
      return s
    end
    local w = {0.7, 1.3}
    local gl = cr.gradient(loss, w)
    local e1, e2 = 0, 0   -- d2/dy2 sin(a y) b = -a^2 b sin(a y)
    for k = 1, 20 do
      local y = k / 10
      e1 = e1 + (-2 * w[1] * w[2] * math.sin(w[1] * y) - w[1]^2 * w[2] * y * math.cos(w[1] * y))
      e2 = e2 + (-w[1]^2 * math.sin(w[1] * y))
    end
    H.assert_close(gl[1], e1, 1e-13, 1e-14, "d loss / d w1")
    H.assert_close(gl[2], e2, 1e-13, 1e-14, "d loss / d w2")
  end)
  it("still limits the nesting depth of derivatives, with a clear message", function ()
    local function nest (k, y)
      if k == 0 then return y * y end
      return cr.derivative(function (z) return nest(k - 1, z * y) end, y)
    end
    H.checkerr("too many nested derivatives (at most 16 tags in one value)",
      cr.gradient, function (v) return nest(17, v[1]) end, {1.1})
  end)
  it("keeps the sign of a zero point", function ()
    local seen
    cr.gradient(function (x)
      return cr.derivative(function (y) seen = cr.value(y); return y end, x * 0 * -1)
    end, 2.0)
    assert.is_true(1 / cr.value(seen) < 0, "the point stayed -0")
  end)
end)
