-- limits_spec.lua: limits that hold: 10^6-long chains, the tape cap, collections mid-call, errors in user code
local cr = require "chainrule"
local core = require "chainrule.core"
local m = cr.math

local N = 1000000
-- under ASan freed memory sits in quarantine, so resident size says nothing there
local ASAN = (os.getenv("LD_PRELOAD") or ""):find("asan") ~= nil

-- resident memory in KiB, or nil where /proc is missing
local function rss ()
  local f = io.open("/proc/self/statm")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return tonumber(s:match("^%d+ (%d+)")) * 4
end

local function fullgc ()
  collectgarbage()
  collectgarbage()  -- tapes and Exprs have finalizers: the second cycle frees what they held
end

-- the chain x -> 0.999999*x + 1e-6 from 2, in plain numbers: value and derivative
local function chain_ref ()
  local x, d = 2.0, 1.0
  for _ = 1, N do x = x * 0.999999 + 1e-6; d = d * 0.999999 end
  return x, d
end

describe("limits: chains of 10^6 operations", function ()
  it("on Vars: a tape of exactly two nodes a step, swept without recursion, freed after #lua54", function ()
    fullgc()
    local live0 = core.tapestats()
    local lua0, rss0 = collectgarbage("count"), rss()
    local nodes, peak, rsspeak = 0, 0, 0
    local g, v = cr.gradient(function (p)
      local x = p[1]
      for i = 1, N do
        x = x * 0.999999 + 1e-6
        if i % 100000 == 0 then peak = math.max(peak, collectgarbage("count")) end
      end
      local _, n = core.tapestats()
      nodes = n
      rsspeak = rss() or 0
      return x
    end, {2})
    local want, dwant = chain_ref()
    assert.are.equal(2 * N + 1, nodes)  -- the input and two nodes a step: linear
    assert.are.equal(want, v)
    H.assert_close(g[1], dwant, 1e-9, 0, "gradient of the chain")
    -- Vars are garbage as soon as the next one exists: Lua memory stays flat
    assert.is_true(peak - lua0 < 1024, ("Lua memory grew by %.0f KiB"):format(peak - lua0))
    if rss0 and not ASAN then  -- about 40 bytes a node, in C memory
      local per = (rsspeak - rss0) * 1024 / nodes
      assert.is_true(per < 64, ("%.1f bytes a node"):format(per))
    end
    fullgc()
    assert.are.equal(live0, (core.tapestats()))
    assert.is_true(collectgarbage("count") < lua0 + 64)
    -- the next call reuses the memory and gives the same answer
    local g2, v2 = cr.gradient(function (p)
      local x = p[1]
      for _ = 1, N do x = x * 0.999999 + 1e-6 end
      return x
    end, {2})
    assert.are.equal(v, v2)
    assert.are.equal(g[1], g2[1])
  end)

  it("on Exprs: builds, prints, evaluates and differentiates without recursion; memory comes back", function ()
    fullgc()
    local live0 = core.expr_stats(true)
    local x = cr.symbol("x")
    local e = x
    for _ = 1, N do e = m.sin(e) end
    local want, dwant = 0.5, 1.0
    for _ = 1, N do dwant = dwant * math.cos(want); want = math.sin(want) end
    -- a chain of distinct nodes, held by one Expr
    assert.is_true(core.expr_stats(true) >= live0 + N)
    local s = tostring(e)
    assert.are.equal(N * 5 + 1, #s)  -- "sin(" a level, ")" a level, and the x
    assert.are.equal("sin(sin(sin(", s:sub(1, 12))
    assert.are.equal(want, e(0.5))  -- the same C sin, step for step
    local d = cr.diff(e, x)
    H.assert_close(d(0.5), dwant, 1e-9, 0, "derivative of the chain")
    -- as a tree the derivative is quadratic in size: printing refuses with the documented limit
    H.checkerr("expression too large to print (more than 67108864 bytes)", tostring, d)
    -- traced, compiled and run as a program of 10^6 instructions, derivative included
    local F = cr.compile(function (t) for _ = 1, N do t = m.sin(t) end return t end)
    assert.are.equal(want, F(0.5))
    assert.are.equal(dwant, cr.derivative(F, 0.5))
    e, d, s, F = nil, nil, nil, nil
    fullgc()
    assert.is_true(core.expr_stats(true) <= live0 + 16, "live nodes: " .. core.expr_stats(true))
  end)
end)

describe("limits: the tape cap", function ()
  it("gives the clear error past cr.tapelimit, and the next call works", function ()
    fullgc()
    local live0, lua0 = core.tapestats(), collectgarbage("count")
    local old = cr.tapelimit(1000)
    local ok, err = pcall(cr.gradient, function (p)
      local x = p[1]
      for _ = 1, 2000 do x = m.sin(x) end
      return x
    end, {1})
    cr.tapelimit(old)
    assert.is_false(ok)
    assert.is_truthy(tostring(err):find("tape size limit of 1000 nodes reached (raise it with cr.tapelimit)", 1, true),
      tostring(err))
    -- the same function under the old limit
    local g = cr.gradient(function (p)
      local x = p[1]
      for _ = 1, 2000 do x = m.sin(x) end
      return x
    end, {1})
    local want = cr.derivative(function (x) for _ = 1, 2000 do x = m.sin(x) end return x end, 1)
    H.assert_close(g[1], want, 1e-12, 0, "gradient after the cap")
    -- the object API refuses past the cap too, then starts afresh
    cr.tapelimit(10)
    local w = cr.param(1)
    H.checkerr("tape size limit of 10 nodes reached", function ()
      local y = w
      for _ = 1, 20 do y = y * 1.5 end
      return y
    end)
    cr.tapelimit(old)
    fullgc()
    local loss = w * 3
    loss:backward()
    assert.are.equal(3, w.grad)
    assert.are.equal(old, cr.tapelimit())
    loss = nil
    fullgc()
    assert.is_true(core.tapestats() <= live0 + 1)
    assert.is_true(collectgarbage("count") < lua0 + 64)
  end)
end)

describe("limits: collectgarbage() in the middle of every call", function ()
  -- f with a full collection before every operation, or without
  local function withgc (on)
    local gc = on and function () collectgarbage() end or function () end
    return function (x)
      local y = x
      for _ = 1, 6 do
        gc(); y = m.sin(y) * x
        gc(); y = y + m.exp(x * 0.1)
      end
      gc()
      return y
    end
  end

  local function vecf (on)
    local f = withgc(on)
    return function (v) return f(v[1]) * v[2] + f(v[2]) end
  end

  it("gradient, jacobian and hessian give the same numbers", function ()
    assert.are.same({cr.gradient(vecf(false), {0.3, 0.7})}, {cr.gradient(vecf(true), {0.3, 0.7})})
    local function jf (on)
      local f = vecf(on)
      return function (v) return {f(v), f({v[2], v[1]})} end
    end
    assert.are.same(cr.jacobian(jf(false), {0.3, 0.7}), cr.jacobian(jf(true), {0.3, 0.7}))
    assert.are.same(cr.hessian(vecf(false), {0.3, 0.7}), cr.hessian(vecf(true), {0.3, 0.7}))
  end)

  it("backward gives the same gradients", function ()
    local function run (on)
      local p, q = cr.param(0.3), cr.param(0.7)
      local loss = vecf(on)({p, q})
      if on then collectgarbage() end
      loss:backward()
      if on then collectgarbage() end
      return {p.grad, q.grad, loss.value}
    end
    assert.are.same(run(false), run(true))
  end)

  it("compile, diff and explain give the same results", function ()
    local F1, F2 = cr.compile(withgc(false), {order = 2}), cr.compile(withgc(true), {order = 2})
    collectgarbage()
    for _, x in ipairs{-1, 0.25, 2} do
      assert.are.equal(F1(x), F2(x))
      assert.are.equal(cr.derivative(F1, x), cr.derivative(F2, x))
      assert.are.equal(cr.derivative(F1, x, 2), cr.derivative(F2, x, 2))
    end
    assert.are.equal(cr.diff(withgc(false))(0.4), cr.diff(withgc(true))(0.4))
    -- symbolic: intermediate Exprs die and the pool is swept between every step
    local x = cr.symbol("x")
    local e1, e2 = withgc(false)(x), nil
    local y = x
    for _ = 1, 6 do
      collectgarbage(); core.expr_stats(true); y = m.sin(y) * x
      collectgarbage(); core.expr_stats(true); y = y + m.exp(x * 0.1)
    end
    e2 = y
    collectgarbage(); core.expr_stats(true)
    assert.are.equal(tostring(e1), tostring(e2))
    assert.are.equal(tostring(cr.diff(e1, x)), tostring(cr.diff(e2, x)))
    local s1 = cr.explain(withgc(false), function (t) return t * t + 1 end, 0.5, {quiet = true})
    local s2 = cr.explain(withgc(true), function (t) collectgarbage(); return t * t + 1 end, 0.5, {quiet = true})
    assert.are.same(s1, s2)
  end)
end)

describe("limits: errors inside user functions", function ()
  -- f fails after some work, with a string or a table as the error value
  local function failing (tbl)
    return function (x)
      local v = type(x) == "table" and x[1] or x
      local y = m.sin(v) * v + 1
      y = y * y
      if tbl then error({code = 7}) end
      error("boom in f")
    end
  end

  local calls = {
    derivative = function (f) return cr.derivative(f, 0.5) end,
    derivative3 = function (f) return cr.derivative(f, 0.5, 3) end,
    gradient = function (f) return cr.gradient(f, {0.5, 2}) end,
    jacobian = function (f) return cr.jacobian(function (v) return {f(v)} end, {0.5, 2}) end,
    hessian = function (f) return cr.hessian(f, {0.5, 2}) end,
    compile = function (f) return cr.compile(f) end,
    explain = function (f) return cr.explain(f, function (t) return t * 2 end, 0.5, {quiet = true}) end,
  }
  local names = {"derivative", "derivative3", "gradient", "jacobian", "hessian", "compile", "explain"}

  -- what the next call must still give
  local function fine ()
    local d = cr.derivative(function (x) return m.sin(x) * x end, 0.5)
    local g = cr.gradient(function (v) return v[1] * v[2] end, {3, 4})
    local F = cr.compile(function (x) return x * x end)
    local s = tostring(cr.diff(cr.symbol("x") ^ 3))
    return {d, g[1], g[2], F(3), cr.derivative(F, 3), s}
  end

  for _, name in ipairs(names) do
    it(name .. " leaves nothing behind", function ()
      local want = fine()
      fullgc()
      local live0, expr0 = core.tapestats(), core.expr_stats(true)
      local mode0 = cr.simplify()
      cr.simplify(mode0)
      local lua0 = collectgarbage("count")
      for i = 1, 200 do
        local ok, err = pcall(calls[name], failing(i % 2 == 0))
        assert.is_false(ok)
        if i % 2 == 0 then
          assert.are.same({code = 7}, err)  -- the error value passes through untouched
        else
          assert.is_truthy(tostring(err):find("boom in f", 1, true), tostring(err))
        end
      end
      -- simplification and recording are back as they were
      assert.are.equal(mode0, cr.simplify(mode0))
      local p = cr.param(2)
      local loss = p * p
      loss:backward()
      assert.are.equal(4, p.grad)
      assert.are.same(want, fine())
      p, loss = nil, nil
      fullgc()
      assert.is_true(core.tapestats() <= live0 + 1, "tapes alive: " .. core.tapestats())
      assert.is_true(core.expr_stats(true) <= expr0 + 64, "live nodes: " .. core.expr_stats(true))
      local grew = collectgarbage("count") - lua0
      assert.is_true(grew < 32, ("Lua memory grew by %.1f KiB over 200 failed calls"):format(grew))
    end)
  end
end)
