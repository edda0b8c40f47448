-- consistency_spec.lua: results that agree whatever the argument order, mode or value (issue 16, item 6)
local cr = require "chainrule"
local m = cr.math
local checkerr = H.checkerr

local nan, inf = 0/0, math.huge

-- one function's first derivative at p by every mode: duals, Taylor (order 2's first
-- coefficient), the tape, the symbolic derivative and the compiled program
local function bymodes (f, p)
  local x = cr.symbol("x")
  local F = cr.compile(f)
  local _, dF = F:eval(p, 1)
  return {
    duals = cr.derivative(f, p),
    taylor = cr.derivatives(f, p, 2)[2],
    tape = cr.gradient(function (v) return f(v[1]) end, {p})[1],
    symbolic = cr.diff(f(x), x)(p),
    compiled = dF,
  }
end

local function same (a, b) return a == b or (a ~= a and b ~= b) end

local function allmodes (f, p, want, what)
  for mode, d in pairs(bymodes(f, p)) do
    assert(same(d, want), ("%s by %s: got %s, expected %s"):format(what, mode, tostring(d), tostring(want)))
  end
end

describe("max and min with ties", function ()
  it("split the derivative evenly among all tied arguments, in any order", function ()
    allmodes(function (x) return m.max(x, 1, 1) end, 1, 1/3, "max(x, 1, 1)'")
    allmodes(function (x) return m.max(1, 1, x) end, 1, 1/3, "max(1, 1, x)'")
    allmodes(function (x) return m.max(1, x, 1) end, 1, 1/3, "max(1, x, 1)'")
    allmodes(function (x) return m.min(x, 1, 1, 1) end, 1, 1/4, "min(x, 1, 1, 1)'")
    allmodes(function (x) return m.max(x, 2*x - 1, 3*x - 2) end, 1, 2, "max(x, 2x-1, 3x-2)'")
    allmodes(function (x) return m.max(3*x - 2, 2*x - 1, x) end, 1, 2, "max(3x-2, 2x-1, x)'")
    allmodes(function (x) return m.min(x, 2*x - 1, 3*x - 2) end, 1, 2, "min(x, 2x-1, 3x-2)'")
    allmodes(function (x) return m.min(3*x - 2, 2*x - 1, x) end, 1, 2, "min(3x-2, 2x-1, x)'")
  end)

  it("keep the ties of only some arguments to those arguments", function ()
    -- at x = 1: x and 1 tie at the top, -5 is below; away from the tie one side wins
    allmodes(function (x) return m.max(x, -5, 1) end, 1, 1/2, "max(x, -5, 1)'")
    allmodes(function (x) return m.max(x, -5, 1) end, 2, 1, "max(x, -5, 1)' at 2")
    allmodes(function (x) return m.max(x, -5, 1) end, 0, 0, "max(x, -5, 1)' at 0")
    allmodes(function (x) return m.max(x, x, 2) end, 2, 2/3, "max(x, x, 2)'")
  end)

  it("give math.max's value bit for bit, -0.0 and infinities included", function ()
    local v = m.max(cr.dual(-0.0), -0.0, -1)
    assert.are.equal(-inf, 1 / cr.value(v))
    assert.are.equal(inf, cr.value(m.max(cr.dual(inf), inf, 1)))
    assert.are.equal(1/3, cr.deriv(m.max(cr.dual(inf), inf, inf)))
    assert.are.equal(0.1 + 0.2, cr.value(m.max(cr.dual(0.1 + 0.2), 0.1 + 0.2, 0.3)))
  end)

  it("give compiled gradients equal to the tape's", function ()
    local f = function (v) return m.max(v[1], v[2], v[3]) + m.min(v[3], v[2], nan) end
    local G = cr.compile(f, {n = 3})
    for _, p in ipairs{{1, 1, 1}, {1, 2, 2}, {3, 1, 3}} do
      assert.are.same(cr.gradient(f, p), (G:gradient(p)))
    end
    assert.are.same({1/3, 1/3 + 1/2, 1/3 + 1/2}, (G:gradient({1, 1, 1})))
  end)

  it("have tied second derivatives that agree too", function ()
    local a = cr.derivative(function (x) return m.max(x*x, x, 1) end, 1, 2)
    local b = cr.derivative(function (x) return m.max(1, x, x*x) end, 1, 2)
    assert.are.equal(a, b)
    assert.are.equal(2/3, a)
  end)
end)

describe("max and min next to NaN", function ()
  it("take math.max's value and the chosen argument's derivative #puc", function ()
    assert.is_true(math.max(1, nan) == 1)  -- the convention: a NaN after the first is passed over
    allmodes(function (x) return m.max(x, nan) end, 1, 1, "max(x, NaN)'")
    allmodes(function (x) return m.min(x, nan) end, 1, 1, "min(x, NaN)'")
    allmodes(function (x) return m.max(x, nan, 1) end, 1, 1/2, "max(x, NaN, 1)'")
    allmodes(function (x) return m.max(nan, x) end, 1, 0, "max(NaN, x)'")
    allmodes(function (x) return m.max(nan, x, 2) end, 1, 0, "max(NaN, x, 2)'")
    local v = m.max(cr.dual(1), nan)
    assert.are.equal(1, cr.value(v))
    assert.are.equal(1, cr.deriv(v))
    v = m.max(nan, cr.dual(1), 2)
    assert.is_true(cr.value(v) ~= cr.value(v))
    assert.are.equal(0, cr.deriv(v))
  end)
end)

describe("inputs that would be dropped without a word", function ()
  local f = function (v) return (v[1] or 0) * 2 end
  it("gradient refuses a table of named inputs instead of passing an empty array", function ()
    checkerr("bad argument #2 to 'gradient' (array of numbers expected, got a table with key 'a': "
             .. "named inputs are supported by cr.graph only)", cr.gradient, f, {a = 1})
    checkerr("got a table with key 'b'", cr.gradient, f, {1, b = 2})
    checkerr("bad argument #2 to 'hessian' (array of numbers expected, got a table with key 'x'",
             cr.hessian, f, {x = 1})
    checkerr("got a table with key 1.5", cr.jacobian, function (v) return {v[1]} end, {[1.5] = 1})
    checkerr("bad argument #2 to 'check'", cr.check, f, {x = 1})
    checkerr("bad argument #2 to 'graph' (array of numbers expected, got a table with key 'b': "
             .. "named inputs take a table of names only)", cr.graph, f, {1, b = 2})
  end)

  it("gradient still takes arrays, the empty one included, and graph named inputs", function ()
    assert.are.same({2, 0}, (cr.gradient(function (v) return v[1] * 2 + 0 * v[2] end, {3, 4})))
    assert.are.same({}, (cr.gradient(function () return 1 end, {})))
    local g = cr.graph(function (t) return t.a * t.b end, {a = 3, b = 4})
    assert.are.equal(12, g.nodes[g.output].value)
  end)

  it("a param's value refuses a dual instead of keeping its value part", function ()
    local p = cr.param(2)
    checkerr("bad value for 'value' (number expected, got chainrule.Dual)",
             function () p.value = cr.dual(1) end)
    assert.are.equal(2, p.value)
    checkerr("bad value for 'value' (number expected, got nil)", function () p.value = nil end)
    checkerr("bad value for 'value' (number expected, got string)", function () p.value = "3" end)
    -- inside a derivative the seed is a dual too: refused, not cut to its value
    checkerr("number expected, got chainrule.Dual", cr.derivative, function (x) p.value = x; return x end, 1)
    p.value = 5
    assert.are.equal(5, p.value)
    p.value = p * 2  -- an update step computed on the tape: its value
    assert.are.equal(10, p.value)
  end)
end)

describe("compile inside compile", function ()
  local msg = "compile: cannot compile inside a function being compiled (compile the outer one only)"
  it("is refused, rather than merging the two variables", function ()
    checkerr(msg, cr.compile, function (x) return cr.compile(function (y) return y * x end):eval(1) end)
    checkerr(msg, cr.compile, function (x)
      return cr.compile(function (v) return v[1] * x end, {n = 1}):value({1})
    end)
    checkerr(msg, cr.compile, function (v)
      return cr.compile(function (y) return y * v[1] end):eval(1)
    end, {n = 1})
  end)

  it("leaves compile working afterwards, inside and outside", function ()
    pcall(cr.compile, function (x) return cr.compile(function (y) return y * x end):eval(1) end)
    local F = cr.compile(function (x) return x * x * 3 end)
    local v, d = F:eval(2, 1)
    assert.are.equal(12, v)
    assert.are.equal(12, d)
    assert.are.equal(6, (cr.compile(function (y) return y * 2 end):eval(3)))
  end)
end)
