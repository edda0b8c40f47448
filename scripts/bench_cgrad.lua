-- bench_cgrad.lua: compiled gradients against the Var tape, plain Lua and hand-written C, one run
local cr = require "chainrule"

local HAND = os.getenv("CR_BENCH_HAND_MLP") or "build/bench/cgrad_hand"
local RUNS = 7          -- timed runs per case; the median is reported
local MIN_RUN = 0.05    -- seconds of CPU a run lasts at least

-- steady state: every case is warmed up, then the cases take turns, RUNS rounds of one run each
-- (f repeated until it has taken MIN_RUN seconds of CPU time, os.clock: the machine is shared),
-- and each reports its median run; taking turns spreads a noisy moment over all the cases
local cases = {}
local function time (row, key, f) cases[#cases + 1] = {row = row, key = key, f = f, t = {}} end

local function runall ()
  for _, c in ipairs(cases) do for _ = 1, 3 do c.f() end end
  for _ = 1, RUNS do
    for _, c in ipairs(cases) do
      collectgarbage("collect")
      local f, reps, t0, dt = c.f, 0, os.clock(), 0
      repeat f(); reps = reps + 1; dt = os.clock() - t0 until dt >= MIN_RUN
      c.t[#c.t + 1] = dt / reps
    end
  end
  for _, c in ipairs(cases) do
    table.sort(c.t)
    c.row[c.key] = c.t[(RUNS + 1) // 2]
  end
end

local function rosen (x)
  local s = 0
  for i = 1, #x - 1 do s = s + 100 * (x[i + 1] - x[i]^2)^2 + (1 - x[i])^2 end
  return s
end

local rows = {}

for _, n in ipairs{1000, 10000} do
  local x = {}
  for i = 1, n do x[i] = 0.5 + 0.4 * math.sin(i) end
  local G = cr.compile(rosen, {n = n})
  local g, v = G:gradient(x)
  local gt, vt = cr.gradient(rosen, x)
  assert(math.abs(v - vt) <= 1e-13 * math.abs(vt) and math.abs(g[n] - gt[n]) <= 1e-13 * math.abs(gt[n]))
  -- the result written into a table (or Array) made once: the loop allocates nothing
  local out, xa, oa = {}, cr.array(x), cr.array(n)
  local r = {label = ("Rosenbrock n = %d"):format(n)}
  rows[#rows + 1] = r
  time(r, "plain", function () rosen(x) end)
  time(r, "tape", function () cr.gradient(rosen, x) end)
  time(r, "fresh", function () G:gradient(x) end)
  time(r, "comp", function () G:gradient(x, out) end)
  time(r, "arr", function () G:gradient(xa, oa) end)
  time(r, "val", function () G:value(x) end)
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
local out, Wa, oa = {}, cr.array(W), cr.array(#W)
local mr = {label = "MLP full-batch loss (200 rows, " .. #W .. " params)"}
rows[#rows + 1] = mr
time(mr, "plain", function () lua_sum(W) end)
time(mr, "tape", function () cr.gradient(lua_sum, W) end)
time(mr, "fresh", function () GD:gradient(W, data) end)
time(mr, "comp", function () GD:gradient(W, data, out) end)
time(mr, "arr", function () GD:gradient(Wa, data, oa) end)
time(mr, "val", function () GD:value(W, data) end)
time(mr, "step", tape_step)
runall()

local hand
do
  local p = io.popen(HAND .. " 2>/dev/null")
  local o = p and p:read("a") or ""
  if p then p:close() end
  hand = tonumber(o:match("hand (%S+)"))
end

local function ms (t) return ("%.3g ms"):format(t * 1e3) end
print(("compiled gradients: median of %d rounds (cases in turn, each run >= %.2f s CPU), after warm-up,"
       .. " in one process"):format(RUNS, MIN_RUN))
print("| function | plain Lua f | cr.gradient | compiled, tables | compiled, new table | compiled, Arrays"
      .. " | compiled value | cr.gradient / compiled | compiled / plain f (tables) | (Arrays) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for _, r in ipairs(rows) do
  print(("| %s | %s | %s | %s | %s | %s | %s | %.1fx | %.2fx | %.2fx |"):format(r.label, ms(r.plain),
    ms(r.tape), ms(r.comp), ms(r.fresh), ms(r.arr), ms(r.val), r.tape / r.comp, r.comp / r.plain,
    r.arr / r.plain))
end
print(("MLP: Var-tape training step (params as cr.param, loss:backward()) %s = %.0fx the compiled"
       .. " data-batch gradient"):format(ms(mr.step), mr.step / mr.comp))
if hand then
  print(("MLP: hand-written C forward+backward (-O2) %s; compiled / hand C = %.2fx"):format(
    ms(hand), mr.comp / hand))
else
  print("MLP: hand-written C baseline not built (make bench builds " .. HAND .. ")")
end
