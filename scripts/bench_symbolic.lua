-- bench_symbolic.lua: compiled batch evaluation against per-point duals and hand-written C, one run
local cr = require "chainrule"
local cm = cr.math

local N = tonumber(arg and arg[1]) or 1000000
local HAND = os.getenv("CR_BENCH_HAND") or "build/bench/symbolic_hand"

-- the core benchmark's two functions
local function cubic (x) return (x^2 + 5)^3 end
local function mixed (x)
  return cm.sin(x)*cm.exp(x/3) + cm.log(x^2 + 1)/(x + 2) - (x^3 - 2*x)^2/(1 + cm.exp(-x))
    + cm.sqrt(x^2 + 4)*cm.cos(2*x)/3
end

local xs = {}
for i = 1, N do xs[i] = 0.1 + 2.9 * i / N end
local xa = cr.array(xs)

local function clock (f)
  collectgarbage("collect")
  local t0 = os.clock()
  f()
  return os.clock() - t0
end

-- hand-written C (-O2) and the tape run from C, timed by the C program itself
local hand = {}
do
  local p = io.popen(HAND .. " " .. N .. " 2>/dev/null")
  local out = p and p:read("a") or ""
  if p then p:close() end
  for name, th, tt, ni in out:gmatch("(%a+) (%S+) (%S+) (%d+)") do
    hand[name] = {hand = tonumber(th), tape = tonumber(tt), ninst = tonumber(ni)}
  end
end

local rows = {}
for _, case in ipairs{{"cubic", "(x^2+5)^3", cubic}, {"mixed", "20-op expression", mixed}} do
  local name, label, f = case[1], case[2], case[3]
  local derivative = cr.derivative
  local acc = 0
  local tdual = clock(function ()
    for i = 1, N do
      local d, v = derivative(f, xs[i])
      acc = acc + d + v
    end
  end)
  local F
  local tcomp = clock(function () for _ = 1, 100 do F = cr.compile(f) end end) / 100
  local va, da = cr.array(N), cr.array(N)
  F:eval(xa, va, da)  -- first touch of the output pages happens here, not in the timing
  local tarr = clock(function () F:eval(xa, va, da) end)
  local tnew = clock(function () F:eval(xa) end)
  local ttab = clock(function () F:eval(xs) end)
  -- same numbers as the duals: a spot check
  local d5, v5 = derivative(f, xs[5])
  assert(math.abs(va[5] - v5) <= 1e-13 * math.abs(v5) and math.abs(da[5] - d5) <= 1e-13 * math.abs(d5))
  local h = hand[name] or {}
  rows[#rows + 1] = {label = label, dual = tdual, comp = tcomp, arr = tarr, new = tnew, tab = ttab,
                     hand = h.hand, tape = h.tape, ninst = F:size()}
end

local function ns (t) return t and ("%.1f"):format(t / N * 1e9) or "n/a" end
local function ratio (a, b) return (a and b) and ("%.1fx"):format(a / b) or "n/a" end

print(("symbolic: value and derivative at %d points (ns per point; ratios from this run)"):format(N))
print("| function | per-point cr.derivative | compiled, arrays | compiled, new arrays"
      .. " | compiled, Lua tables | program from C | hand-written C -O2 | duals / compiled"
      .. " | compiled / hand C | program / hand C |")
print("|---|---|---|---|---|---|---|---|---|---|")
for _, r in ipairs(rows) do
  print(("| %s (%d instructions) | %s | %s | %s | %s | %s | %s | %s | %s | %s |"):format(
    r.label, r.ninst, ns(r.dual), ns(r.arr), ns(r.new), ns(r.tab), ns(r.tape), ns(r.hand),
    ratio(r.dual, r.arr), ratio(r.arr, r.hand), ratio(r.tape, r.hand)))
end
print(("compile time (trace, derivative, program): %.0f us and %.0f us"):format(
  rows[1].comp * 1e6, rows[2].comp * 1e6))
