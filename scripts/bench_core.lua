-- bench_core.lua: value and derivative over many points, four ways, as ratios from one run
local cr = require "chainrule"
local cm = cr.math

local N = tonumber(arg and arg[1]) or 200000

-- the do-it-yourself baseline: a dual number as a Lua table with metatables
local D = {}
D.__index = D
local function dual (v, d) return setmetatable({v, d}, D) end
local function lift (a) if type(a) == "number" then return dual(a, 0) end return a end
D.__add = function (a, b) a, b = lift(a), lift(b); return dual(a[1] + b[1], a[2] + b[2]) end
D.__sub = function (a, b) a, b = lift(a), lift(b); return dual(a[1] - b[1], a[2] - b[2]) end
D.__mul = function (a, b)
  a, b = lift(a), lift(b)
  return dual(a[1] * b[1], a[2] * b[1] + a[1] * b[2])
end
D.__div = function (a, b)
  a, b = lift(a), lift(b)
  local v = a[1] / b[1]
  return dual(v, (a[2] - v * b[2]) / b[1])
end
D.__unm = function (a) return dual(-a[1], -a[2]) end
D.__pow = function (a, n)  -- constant exponents only, as the expressions need
  return dual(a[1] ^ n, n * a[1] ^ (n - 1) * a[2])
end
local dm = {
  sin = function (a) return dual(math.sin(a[1]), math.cos(a[1]) * a[2]) end,
  cos = function (a) return dual(math.cos(a[1]), -math.sin(a[1]) * a[2]) end,
  exp = function (a) local e = math.exp(a[1]); return dual(e, e * a[2]) end,
  log = function (a) return dual(math.log(a[1]), a[2] / a[1]) end,
  sqrt = function (a) local s = math.sqrt(a[1]); return dual(s, a[2] / (2 * s)) end,
}

-- the two test functions, written once over any math library
local function cubic (x) return (x^2 + 5)^3 end
local function mixed (m)
  return function (x)
    return m.sin(x)*m.exp(x/3) + m.log(x^2 + 1)/(x + 2) - (x^3 - 2*x)^2/(1 + m.exp(-x))
      + m.sqrt(x^2 + 4)*m.cos(2*x)/3
  end
end

-- hand-derived derivatives on plain numbers
local function cubic_hand (x)
  local u = x*x + 5
  return u*u*u, 6*x*u*u
end
local sin, cos, exp, log, sqrt = math.sin, math.cos, math.exp, math.log, math.sqrt
local function mixed_hand (x)
  local s, c, e3 = sin(x), cos(x), exp(x/3)
  local l, w = log(x*x + 1), x + 2
  local p, em = x^3 - 2*x, exp(-x)
  local q = 1 + em
  local r, c2, s2 = sqrt(x*x + 4), cos(2*x), sin(2*x)
  local v = s*e3 + l/w - p*p/q + r*c2/3
  local d = c*e3 + s*e3/3 + (2*x/(x*x + 1))/w - l/(w*w)
    - (2*p*(3*x*x - 2)/q + p*p*em/(q*q)) + (x/r)*c2/3 - r*2*s2/3
  return v, d
end

local function point (i) return 0.1 + 2.9 * i / N end

-- the floor of operator overloading: a C userdata dual that only does the arithmetic
-- (bench/floor.c, built by make bench into build/bench/)
local floorlib = assert(package.loadlib((os.getenv("BUILD") or "build") .. "/bench/floor.so",
  "luaopen_floor"))()

local function run (name, f)
  collectgarbage("collect")
  local mem0 = collectgarbage("count")
  local peak = mem0
  local t0 = os.clock()
  local acc = 0
  for i = 1, N do
    local d, v = f(point(i))
    acc = acc + d + v
    if i % 4096 == 0 then
      local m = collectgarbage("count")
      if m > peak then peak = m end
    end
  end
  local t = os.clock() - t0
  return {name = name, t = t, acc = acc, peak = peak - mem0}
end

-- steady state: a warm-up pass, then ROUNDS rounds with the variants interleaved, best of each
local ROUNDS = tonumber(arg and arg[2]) or 5
local function best (variants)
  local res = {}
  for k, v in ipairs(variants) do
    local w = N
    N = math.floor(N / 10)
    run(v[1], v[2])  -- warm up: caches, page faults, the collector's pace
    N = w
    res[k] = run(v[1], v[2])
  end
  for _ = 2, ROUNDS do
    for k, v in ipairs(variants) do
      local r = run(v[1], v[2])
      if r.t < res[k].t then r.peak = math.max(r.peak, res[k].peak); res[k] = r end
    end
  end
  return res
end

local rows = {}
for _, case in ipairs{
  {"(x^2 + 5)^3", cubic, cubic, cubic, function (x) local v, d = cubic_hand(x); return d, v end},
  {"20-op mix", mixed(cm), mixed(dm), mixed(floorlib), function (x) local v, d = mixed_hand(x); return d, v end},
} do
  local name, fcr, fdiy, ffl, fhand = case[1], case[2], case[3], case[4], case[5]
  local fderiv = floorlib.derivative
  local r = best{
    {"cr.derivative", function (x) return cr.derivative(fcr, x) end},
    {"C floor", function (x) return fderiv(ffl, x) end},
    {"Lua-table dual", function (x) local r = fdiy(dual(x, 1)); return r[2], r[1] end},
    {"hand-derived", fhand},
  }
  local a, f, b, c = r[1], r[2], r[3], r[4]
  -- all of them must agree before their times mean anything
  assert(math.abs(a.acc - c.acc) <= 1e-9 * math.abs(c.acc), name .. ": cr disagrees with hand")
  assert(math.abs(f.acc - c.acc) <= 1e-9 * math.abs(c.acc), name .. ": floor disagrees with hand")
  assert(math.abs(b.acc - c.acc) <= 1e-9 * math.abs(c.acc), name .. ": baseline disagrees")
  rows[#rows + 1] = {name, a, f, b, c}
end

local function ns (r) return r.t / N * 1e9 end
print(("core forward mode, ns per point, best of %d rounds of %d points after a warm-up (os.clock, one run)")
  :format(ROUNDS, N))
print("| function | cr.derivative | C floor | Lua-table dual | hand-derived | cr / floor (target <= 1.2) | speed-up vs Lua dual (target >= 2) | cost vs hand | peak extra memory |")
print("|---|---|---|---|---|---|---|---|---|")
for _, r in ipairs(rows) do
  local a, f, b, c = r[2], r[3], r[4], r[5]
  print(("| %s | %.0f | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.2fx | %.0f KiB |"):format(
    r[1], ns(a), ns(f), ns(b), ns(c), a.t / f.t, b.t / a.t, a.t / c.t, a.peak))
end

-- memory flat in the number of points: a tenth of the points peaks at the same level
local small = math.floor(N / 10)
local saveN = N
N = small
local m1 = run("small", function (x) return cr.derivative(mixed(cm), x) end).peak
N = saveN
local m2 = run("full", function (x) return cr.derivative(mixed(cm), x) end).peak
print(("memory: peak extra %.0f KiB over %d points, %.0f KiB over %d points"):format(m1, small, m2, N))
