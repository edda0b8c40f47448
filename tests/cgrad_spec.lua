-- cgrad_spec.lua: cr.compile(f, {n = k}) and its data-batch form against the Var tape
local cr = require "chainrule"
local cm = cr.math
local checkerr, close = H.checkerr, H.close

-- vector functions: the tests' own, DiffTests.jl's vec2num set, Rosenbrock and Ackley
local battery = {
  rosenbrock = function (x)
    local s = 0
    for i = 1, #x - 1 do s = s + 100 * (x[i + 1] - x[i]^2)^2 + (1 - x[i])^2 end
    return s
  end,
  ackley = function (x)
    local a, b, n = 0, 0, #x
    for i = 1, n do a = a + x[i]^2; b = b + cm.cos(2 * math.pi * x[i]) end
    return -20 * cm.exp(-0.2 * cm.sqrt(a / n)) - cm.exp(b / n) + 20 + math.exp(1)
  end,
  self_weighted_logit = function (x)  -- DiffTests vec2num_1
    local s = 0
    for i = 1, #x do s = s + x[i] end
    return 1 / (1 + cm.exp(-s / #x))
  end,
  nested_array_mul = function (x)  -- vec2num_2: sum(x)*prod(x)-like
    local s, p = 0, 1
    for i = 1, #x do s = s + x[i]; p = p * x[i] end
    return s * p
  end,
  vec2num_3 = function (x)
    local s = 0
    for i = 1, #x do s = s + cm.sin(x[i]) * cm.cos(x[i]) end
    return s
  end,
  vec2num_4 = function (x)  -- sum of squares over its mean
    local s, q = 0, 0
    for i = 1, #x do s = s + x[i]; q = q + x[i] * x[i] end
    return q / (s / #x)
  end,
  vec2num_5 = function (x)  -- log-sum-exp
    local s = 0
    for i = 1, #x do s = s + cm.exp(x[i]) end
    return cm.log(s)
  end,
  vec2num_6 = function (x)  -- a norm
    local q = 0
    for i = 1, #x do q = q + x[i]^2 end
    return cm.sqrt(q)
  end,
  vec2num_7 = function (x)  -- the reverse tests' mixed function
    return cm.sin(x[1] * x[2]) + cm.exp(x[3] / x[1]) - cm.tanh(x[2]) * x[3]^3
      + cm.sqrt(x[1]^2 + x[2]^2) + cm.atan(x[2], x[1]) + cm.softplus(x[3]) * cm.sigmoid(x[1])
  end,
  chain = function (x)  -- the issue's sum (x_i^2 + sin(x_i x_{i+1}))
    local s = 0
    for i = 1, #x - 1 do s = s + x[i]^2 + cm.sin(x[i] * x[i + 1]) end
    return s
  end,
  powers = function (x)
    return x[1]^3 + x[2]^-2 + x[3]^0.5 + x[1]^x[2] + 2^x[3] + cm.abs(x[2]) + cm.max(x[1], x[3])
  end,
  constant = function () return 4.5 end,
  identity = function (x) return x[2] end,
}

local point = {0.7, 1.3, 0.4, 1.1, 0.9}

describe("cr.compile(f, {n = k})", function ()
  for name, f in pairs(battery) do
    it("agrees with cr.gradient on " .. name .. " (fast to 1e-13, exact bit for bit)", function ()
      local gt, vt = cr.gradient(f, point)
      for _, exact in ipairs{false, true} do
        local G = cr.compile(f, {n = #point, exact = exact})
        local g, v = G:gradient(point)
        assert.equal(#point, #g)
        -- fast mode turns integer powers into products: a few roundings apart at most
        assert(close(v, vt, 1e-13), name .. " value")
        assert.equal(v, G:value(point))
        assert.equal(v, G(point))
        for i = 1, #point do
          if exact then
            assert(g[i] == gt[i] or (g[i] ~= g[i] and gt[i] ~= gt[i]),
              ("%s exact: gradient[%d] %.17g, tape %.17g"):format(name, i, g[i], gt[i]))
          else
            assert(close(g[i], gt[i], 1e-13, 1e-300), ("%s: gradient[%d] %.17g, tape %.17g"):format(
              name, i, g[i], gt[i]))
          end
        end
      end
    end)
  end

  it("works with #v and ipairs on the traced array, at n = 10^4", function ()
    local f = function (x)
      local s = 0
      for _, v in ipairs(x) do s = s + v * v end
      return s + #x
    end
    local n = 10000
    local x = {}
    for i = 1, n do x[i] = i / n end
    local G = cr.compile(f, {n = n})
    local g, v = G:gradient(x)
    local gt, vt = cr.gradient(f, x)
    assert.equal(vt, v)
    for i = 1, n, 997 do assert.equal(gt[i], g[i]) end
    assert.equal(n, G.n)
    assert.is_nil(G.data)
  end)

  it("propagates NaN and infinities as cr.gradient does", function ()
    local f = battery.vec2num_7
    for _, x in ipairs{{0 / 0, 1, 2}, {1 / 0, 1, 2}, {1, -1 / 0, 2}, {0, 0, 0}, {1, 2, 1e308}} do
      local gt, vt = cr.gradient(f, x)
      local g, v = cr.compile(f, {n = 3, exact = true}):gradient(x)
      assert(close(v, vt), "value")
      for i = 1, 3 do
        assert(close(g[i], gt[i]), ("at {%s}: gradient[%d] %s, tape %s"):format(
          table.concat(x, ", "), i, g[i], gt[i]))
      end
    end
  end)

  it("refuses wrong inputs with cr.gradient's words", function ()
    local G = cr.compile(battery.vec2num_7, {n = 3})
    checkerr("bad argument #2 to 'gradient' (array of 3 numbers expected, got 2)", G.gradient, G, {1, 2})
    checkerr("bad argument #2 to 'gradient' (array of 3 numbers expected, got 4)", G.gradient, G, {1, 2, 3, 4})
    checkerr("bad argument #2 to 'gradient' (array of 3 numbers expected, got string)", G.gradient, G, "x")
    checkerr("bad argument #2 to 'gradient' (array of 3 numbers expected, got no value)", G.gradient, G)
    checkerr("bad argument #2 to 'gradient' (array of numbers expected, got string at index 2)",
      G.gradient, G, {1, "2", 3})
    checkerr("bad argument #2 to 'value' (array of numbers expected, got boolean at index 3)",
      G.value, G, {1, 2, true})
    checkerr("bad argument #3 to 'gradient' (table or array expected for the result, got number)",
      G.gradient, G, {1, 2, 3}, 4)
    checkerr("bad argument #4 to 'gradient' (no more than 3 arguments expected)", G.gradient, G, {1, 2, 3}, {}, 4)
    checkerr("bad argument #3 to 'value' (no more than 2 arguments expected)", G.value, G, {1, 2, 3}, {})
  end)

  it("writes the gradient into an out table when given one, and returns it", function ()
    local G = cr.compile(battery.rosenbrock, {n = 5})
    local g, v = G:gradient(point)
    local out = {7, 7, 7, 7, 7, 7}
    local o, vo = G:gradient(point, out)
    assert.equal(out, o)
    assert.equal(v, vo)
    for i = 1, 5 do assert.equal(g[i], out[i]) end
    assert.equal(7, out[6])  -- entries past n are left alone
    local o2 = G:gradient(point, nil)
    assert.same(g, o2)
  end)

  it("takes chainrule.Arrays for the input and the result", function ()
    local G = cr.compile(battery.rosenbrock, {n = 5})
    local g, v = G:gradient(point)
    local ga, va = G:gradient(cr.array(point))
    assert.equal("chainrule.Array of 5", tostring(ga))
    assert.equal(v, va)
    assert.same(g, ga:totable())
    local out = cr.array(5)
    local o, vo = G:gradient(point, out)
    assert.equal(out, o)
    assert.equal(v, vo)
    assert.same(g, out:totable())
    local t = {}
    assert.equal(t, (G:gradient(cr.array(point), t)))
    assert.same(g, t)
    assert.equal(v, G:value(cr.array(point)))
    checkerr("bad argument #2 to 'gradient' (array of 5 numbers expected, got 4)", G.gradient, G, cr.array(4))
    checkerr("bad argument #3 to 'gradient' (array of 5 numbers expected for the result, got 6)",
      G.gradient, G, point, cr.array(6))
  end)

  it("gives H v by forward over reverse, as cr.hessian and differences of G:gradient say", function ()
    local v = {0.3, -1.1, 0.5, 0.8, -0.2}
    for name, f in pairs(battery) do
      for _, exact in ipairs{false, true} do
        local G = cr.compile(f, {n = #point, exact = exact})
        local hv, g, y = G:hvp(point, v)
        local H = cr.hessian(f, point)
        local g0, y0 = G:gradient(point)
        assert.equal(y0, y)
        for i = 1, #point do
          assert(close(g[i], g0[i], 1e-15, 1e-300), name .. " gradient")
          local want = 0
          for j = 1, #point do want = want + H[i][j] * v[j] end
          -- one product and one sum of 5 terms, in another order than the Hessian's rows
          assert(close(hv[i], want, 1e-12, 1e-12), ("%s: Hv[%d] %.17g, Hessian %.17g"):format(
            name, i, hv[i], want))
        end
        -- central differences of the compiled gradient along v: O(h^2) truncation, h = 1e-5
        local h, xp, xm = 1e-5, {}, {}
        for i = 1, #point do xp[i], xm[i] = point[i] + h * v[i], point[i] - h * v[i] end
        local gp, gm = G:gradient(xp), G:gradient(xm)
        for i = 1, #point do
          local fd = (gp[i] - gm[i]) / (2 * h)
          assert(close(hv[i], fd, 1e-5, 1e-6), ("%s: Hv[%d] %.17g, differences %.17g"):format(
            name, i, hv[i], fd))
        end
      end
    end
    local G = cr.compile(battery.chain, {n = 3})
    checkerr("bad argument #3 to 'hvp' (array of 3 numbers expected, got 2)", G.hvp, G, {1, 2, 3}, {1, 2})
    checkerr("bad argument #2 to 'hvp' (array of 3 numbers expected, got no value)", G.hvp, G)
    checkerr("bad argument #4 to 'hvp' (no more than 3 arguments expected)", G.hvp, G, {1, 2, 3}, {1, 2, 3}, 1)
  end)

  it("traces once with the one-variable compile's branch detection and messages #cmp", function ()
    checkerr("compile: the function branches on its input", cr.compile,
      function (x) if x[1] > 0 then return x[1] end return -x[1] end, {n = 1})
    checkerr("compile: function returned a table, expected a number", cr.compile,
      function (x) return x end, {n = 2})
    local z = cr.symbol("z")
    checkerr("compile: the function depends on the free symbol 'z'", cr.compile,
      function (x) return x[1] * z end, {n = 1})
    checkerr("bad argument #2 to 'compile' (n must be an integer from 0 to 16777216, got 1.5)",
      cr.compile, battery.chain, {n = 1.5})
    checkerr("bad argument #2 to 'compile' (n expected with data)", cr.compile, battery.chain, {data = 2})
    checkerr("bad argument #2 to 'compile' (order applies to functions of one variable, not with n)",
      cr.compile, battery.chain, {n = 2, order = 2})
    local calls = 0
    local G = cr.compile(function (x) calls = calls + 1; return x[1] * x[2] end, {n = 2})
    for _ = 1, 3 do G:gradient{2, 3} end
    assert.equal(1, calls)
  end)

  it("answers per call by the tape when f branches and opts.fallback is set #cmp", function ()
    local f = function (x) if x[1] > 0 then return x[1] * x[2] end return x[2] end
    local G = cr.compile(f, {n = 2, fallback = true})
    assert.is_false(G.compiled)
    local g, v = G:gradient{2, 3}
    assert.same({3, 2}, g)
    assert.equal(6, v)
    assert.equal(3, G:value{-1, 3})
  end)

  it("bounds the program size with a clear message", function ()
    checkerr("compile: the gradient program needs more than 100 slots, instructions and edges "
      .. "(the limit; set opts.limit to raise it)", cr.compile, battery.rosenbrock, {n = 50, limit = 100})
    local G = cr.compile(battery.rosenbrock, {n = 50, limit = 100000})
    local ninst, nedge, total = G:size()
    assert(ninst > 0 and nedge > 0 and total >= ninst + nedge)
  end)

  it("is accepted by cr.check", function ()
    local ok, worst = cr.check(cr.compile(battery.vec2num_7, {n = 3}), {0.7, 1.3, 0.4})
    assert.is_true(ok)
    assert(worst < 1e-6)
  end)
end)

describe("cr.compile(f, {n = k, data = m})", function ()
  local function loss (w, d)
    return cm.softplus(-d[3] * cm.tanh(w[1] * d[1] + w[2] * d[2] + w[3])) + 0.01 * w[1]^2
  end
  local rows = {}
  for i = 1, 333 do rows[i] = {math.sin(i), math.cos(0.7 * i), i % 2 == 0 and 1 or -1} end
  local w = {0.3, -0.2, 0.1}

  it("sums f and its gradient over the rows as cr.gradient of the summed loss", function ()
    local G = cr.compile(loss, {n = 3, data = 3})
    local g, v = G:gradient(w, rows)
    local gt, vt = cr.gradient(function (p)
      local s = 0
      for r = 1, #rows do s = s + loss(p, rows[r]) end
      return s
    end, w)
    -- the same terms summed in another order (blocks of rows): a few roundings of 333 terms
    assert(close(v, vt, 1e-13), "value")
    assert.equal(v, G:value(w, rows))
    for i = 1, 3 do assert(close(g[i], gt[i], 1e-12), ("gradient[%d] %.17g, tape %.17g"):format(i, g[i], gt[i])) end
    local g0, v0 = G:gradient(w, {})
    assert.same({0, 0, 0}, g0)
    assert.equal(0, v0)
    assert.equal(3, G.data)
    local ok = cr.check(G, w, {rows = rows})
    assert.is_true(ok)
  end)

  it("sums H v over the rows with hvp(w, rows, v)", function ()
    local G = cr.compile(loss, {n = 3, data = 3})
    local v = {0.5, -0.25, 1}
    local hv, g, y = G:hvp(w, rows, v)
    local ht, gt, yt = cr.hvp(function (p)
      local s = 0
      for r = 1, #rows do s = s + loss(p, rows[r]) end
      return s
    end, w, v)
    assert(close(y, yt, 1e-13), "value")
    for i = 1, 3 do
      assert(close(g[i], gt[i], 1e-12), "gradient")
      assert(close(hv[i], ht[i], 1e-12), ("Hv[%d] %.17g, cr.hvp %.17g"):format(i, hv[i], ht[i]))
    end
    checkerr("bad argument #4 to 'hvp' (array of 3 numbers expected, got no value)", G.hvp, G, w, rows)
  end)

  it("checks the rows once per call, with the row in the message", function ()
    local G = cr.compile(loss, {n = 3, data = 3})
    checkerr("bad argument #3 to 'gradient' (array of rows expected, got nil)", G.gradient, G, w, nil)
    checkerr("bad argument #3 to 'gradient' (row 2: array of 3 numbers expected, got 2)",
      G.gradient, G, w, {{1, 2, 3}, {1, 2}})
    checkerr("bad argument #3 to 'gradient' (row 1: array of 3 numbers expected, got string)",
      G.gradient, G, w, {"row"})
    checkerr("bad argument #3 to 'gradient' (row 1: number expected at index 2, got table)",
      G.gradient, G, w, {{1, {}, 3}})
    checkerr("bad argument #2 to 'gradient' (array of 3 numbers expected, got 2)", G.gradient, G, {1, 2}, rows)
    checkerr("bad argument #4 to 'gradient' (table or array expected for the result, got number)", G.gradient, G, w, rows, 1)
    checkerr("bad argument #5 to 'gradient' (no more than 4 arguments expected)", G.gradient, G, w, rows, {}, 1)
    local out = {}
    local o, v = G:gradient(w, rows, out)
    local g, v2 = G:gradient(w, rows)
    assert.equal(out, o)
    assert.equal(v2, v)
    assert.same(g, out)
    checkerr("bad argument #3 to 'check' (rows expected (opts.rows) for a data-batch gradient)",
      cr.check, G, w)
  end)

  it("trains the MLP with the same accuracy curve as the Var tape #lua53", function ()
    local mlp = dofile("scripts/mlp.lua")
    local lines = {}
    for _, tape in ipairs{false, true} do
      local res = mlp.train{epochs = 12, tape = tape, quiet = true}
      lines[#lines + 1] = {res.loss, res.accuracy, res.reached}
    end
    assert(close(lines[1][1], lines[2][1], 1e-9), "final loss")
    assert.equal(lines[2][2], lines[1][2])
  end)
end)
