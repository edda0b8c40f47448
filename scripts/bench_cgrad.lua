-- bench_cgrad.lua: compiled gradients against the Var tape, plain Lua and hand-written C, one run
local cr = require "chainrule"
local cm = cr.math

local HAND = os.getenv("CR_BENCH_HAND_MLP") or "build/bench/cgrad_hand"

-- best of several runs of f, each repeated until it takes 0.1 s: steady state, after a warm-up call
local function time (f)
  f()
  local best = math.huge
  for _ = 1, 3 do
    collectgarbage("collect")
    local reps, t0, t = 0, os.clock(), 0
    repeat f(); reps = reps + 1; t = os.clock() - t0 until t >= 0.1
    best = math.min(best, t / reps)
  end
  return best
end

local function rosen (x)
  local s = 0
  for i = 1, #x - 1 do s = s + 100 * (x[i + 1] - x[i]^2)^2 + (1 - x[i])^2 end
  return s
end

local rows = {}
local function row (label, tplain, ttape, tcomp, tval, extra)
  rows[#rows + 1] = {label, tplain, ttape, tcomp, tval, extra}
end

for _, n in ipairs{1000, 10000} do
  local x = {}
  for i = 1, n do x[i] = 0.5 + 0.4 * math.sin(i) end
  local G = cr.compile(rosen, {n = n})
  local g, v = G:gradient(x)
  local gt, vt = cr.gradient(rosen, x)
  assert(math.abs(v - vt) <= 1e-13 * math.abs(vt) and math.abs(g[n] - gt[n]) <= 1e-13 * math.abs(gt[n]))
  row(("Rosenbrock n = %d"):format(n), time(function () rosen(x) end),
      time(function () cr.gradient(rosen, x) end), time(function () G:gradient(x) end),
      time(function () G:value(x) end))
end

-- the MLP of scripts/mlp.lua: full-batch loss over 200 samples
local mlp = dofile("scripts/mlp.lua")
local W, loss, data, tape_step = mlp.bench_setup(200)
local GD = cr.compile(loss, {n = #W, data = 3})
-- the summed loss in plain Lua: on numbers it is the plain evaluation, on Vars the tape's gradient
local function lua_sum (w) local s = 0 for r = 1, #data do s = s + loss(w, data[r]) end return s end
local gc, vc = GD:gradient(W, data)
local gt, vt = cr.gradient(lua_sum, W)
assert(math.abs(vc - vt) <= 1e-12 * math.abs(vt))
for i = 1, #W, 17 do assert(math.abs(gc[i] - gt[i]) <= 1e-10 * math.max(1, math.abs(gt[i]))) end
local tcomp = time(function () GD:gradient(W, data) end)
row("MLP full-batch loss (200 rows, " .. #W .. " params)", time(function () lua_sum(W) end),
    time(function () cr.gradient(lua_sum, W) end), tcomp, time(function () GD:value(W, data) end),
    {tape = time(tape_step)})

local hand
do
  local p = io.popen(HAND .. " 2>/dev/null")
  local out = p and p:read("a") or ""
  if p then p:close() end
  hand = tonumber(out:match("hand (%S+)"))
end

print("| function | plain Lua f | cr.gradient | compiled gradient | compiled value"
      .. " | cr.gradient / compiled | compiled / plain Lua f |")
print("|---|---|---|---|---|---|---|")
for _, r in ipairs(rows) do
  print(("| %s | %.3g ms | %.3g ms | %.3g ms | %.3g ms | %.1fx | %.2fx |"):format(r[1],
    r[2] * 1e3, r[3] * 1e3, r[4] * 1e3, r[5] * 1e3, r[3] / r[4], r[4] / r[2]))
end
local mr = rows[#rows]
print(("MLP: Var-tape training step (params as cr.param, loss:backward()) %.3g ms = %.0fx the compiled"
       .. " data-batch gradient"):format(mr[6].tape * 1e3, mr[6].tape / mr[4]))
if hand then
  print(("MLP: hand-written C forward+backward (-O2) %.3g ms; compiled / hand C = %.2fx"):format(
    hand * 1e3, mr[4] / hand))
else
  print("MLP: hand-written C baseline not built (make bench builds " .. HAND .. ")")
end
