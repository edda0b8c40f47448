-- bench_reverse.lua: reverse-mode gradient vs forward passes vs plain Lua, and MLP epoch time
local cr = require "chainrule"
local m = cr.math
local sin = math.sin
local clock = os.clock

local function f_plain (x)
  local s, n = 0.0, #x
  for i = 1, n - 1 do
    local a = x[i]
    s = s + a * a + sin(a * x[i + 1])
  end
  local a = x[n]
  return s + a * a
end

-- the same function written once for any chainrule value
local msin = m.sin
local function f (x)
  local s, n = 0.0, #x
  for i = 1, n - 1 do
    local a = x[i]
    s = s + a * a + msin(a * x[i + 1])
  end
  local a = x[n]
  return s + a * a
end

-- the floor of operator overloading on a tape: C userdata nodes on one C list, no checks
-- (bench/floor.c, built by make bench into build/bench/)
local floorlib = assert(package.loadlib((os.getenv("BUILD") or "build") .. "/bench/floor.so",
  "luaopen_floor"))()
local vsin = floorlib.vsin
local function f_floor (x)
  local s, n = 0.0, #x
  for i = 1, n - 1 do
    local a = x[i]
    s = s + a * a + vsin(a * x[i + 1])
  end
  local a = x[n]
  return s + a * a
end

-- steady state: a warm-up, then the best of a few runs, each of repeated calls long enough to measure
local function time (fn, minrep)
  local best = math.huge
  fn()
  for _ = 1, 5 do
    local reps, t0 = 0, clock()
    repeat
      fn()
      reps = reps + 1
    until reps >= (minrep or 1) and clock() - t0 > 0.05
    best = math.min(best, (clock() - t0) / reps)
  end
  return best
end

local function input (n)
  local x = {}
  for i = 1, n do x[i] = 0.5 + 0.001 * (i % 97) end
  return x
end

-- one forward pass with every input seeded along one direction (a Jacobian-vector product):
-- one dual userdata per operation and no tape, the cost of operator overloading alone
local core = cr.core
local function jvp (x)
  local t, xs = core.newtag(), {}
  for i = 1, #x do xs[i] = core.seed(x[i], t, 1) end
  return core.coef(f(xs), t)
end

print(("%-8s %12s %12s %12s %12s %12s %10s %10s %10s"):format("n", "plain (s)", "gradient (s)",
  "floor (s)", "forward (s)", "jvp (s)", "grad/plain", "grad/floor", "jvp/plain"))
local tg = {}
for _, n in ipairs{1000, 10000, 100000} do
  local x = input(n)
  local tp = time(function () f_plain(x) end)
  local tr = time(function () cr.gradient(f, x) end)
  local tl = time(function () floorlib.gradient(f_floor, x) end)
  local tj = time(function () jvp(x) end)
  local tf
  if n <= 1000 then  -- forward mode: one derivative pass per input
    tf = time(function ()
      local xs = {}
      for i = 1, n do xs[i] = x[i] end
      for i = 1, n do
        local xi = x[i]
        cr.derivative(function (t) xs[i] = t; local r = f(xs); xs[i] = xi; return r end, xi)
      end
    end)
  end
  tg[n] = tr
  print(("%-8d %12.6f %12.6f %12.6f %12s %12.6f %10.1f %10.2f %10.1f"):format(n, tp, tr, tl,
    tf and ("%.6f"):format(tf) or "-", tj, tr / tp, tr / tl, tj / tp))
end
print(("gradient(1e5) / gradient(1e4) = %.1f (target <= 11)"):format(tg[100000] / tg[10000]))

-- check the answers agree once
do
  local x = input(1000)
  local g = cr.gradient(f, x)
  local d = cr.derivative(function (t) local xs = {}; for i = 1, #x do xs[i] = x[i] end
    xs[500] = t; return f(xs) end, x[500])
  assert(math.abs(g[500] - d) <= 1e-12 * math.abs(d), "reverse and forward disagree")
  local sum = 0.0
  for i = 1, #g do sum = sum + g[i] end
  assert(math.abs(jvp(x) - sum) <= 1e-12 * math.abs(sum), "the jvp and the gradient disagree")
  local gf = floorlib.gradient(f_floor, x)
  for i = 1, #g do assert(gf[i] == g[i], "the floor tape and the gradient disagree") end
end

-- MLP training time per epoch (scripts/mlp.lua's network and data)
if not math.type then  -- Lua 5.1, 5.2, LuaJIT
  print("MLP 2-16-16-1: skipped (scripts/mlp.lua's data generator needs Lua 5.3's 64-bit integers)")
else
  local mlp = dofile("scripts/mlp.lua")
  local run = mlp.train{epochs = 5, quiet = true, tape = true}
  print(("MLP 2-16-16-1 on the Var tape, %d samples: %.4f s per epoch"):format(run.samples, run.time / run.epochs))
end
