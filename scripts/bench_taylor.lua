-- bench_taylor.lua: cost per point of order n (Taylor for n >= 2) against order 1 (duals), one run
local cr = require "chainrule"
local cm = cr.math

local N = tonumber(arg and arg[1]) or 20000

local function poly (x) local s = 0; for i = 1, 20 do s = s + x^i / i end; return s end
local function expsin (x) return cm.exp(cm.sin(x)) end

local sink

-- seconds per point of cr.derivative(f, x, n) over N points in [0.1, 0.9]
local function perpoint (f, n, count)
  local derivative, acc = cr.derivative, 0
  local t0 = os.clock()
  for i = 1, count do acc = acc + derivative(f, 0.1 + 0.8 * i / count, n) end
  local t = os.clock() - t0
  sink = acc  -- keeps the results live
  return t / count
end

print(("Taylor mode: cost per point of the n-th derivative, %d points per order (os.clock, one run)"):format(N))
print("| function | order 1 (duals) | order 2 | order 4 | order 8 | order 16 | order 32 | order 16 / order 1 (target <= 10x) |")
print("|---|---|---|---|---|---|---|---|")
local results = {}
for _, case in ipairs{{"sum_{i<=20} x^i/i", poly}, {"exp(sin(x))", expsin}} do
  local name, f = case[1], case[2]
  local row, base = {}, perpoint(f, 1, N)
  for _, n in ipairs{2, 4, 8, 16, 32} do row[#row + 1] = perpoint(f, n, N) end
  results[name] = {base = base, o16 = row[4]}
  print(("| %s | %.2f µs | %.2f µs | %.2f µs | %.2f µs | %.2f µs | %.2f µs | %.2fx |"):format(
    name, base * 1e6, row[1] * 1e6, row[2] * 1e6, row[3] * 1e6, row[4] * 1e6, row[5] * 1e6, row[4] / base))
end
-- the old path (multilinear duals, 2^n coefficients) for scale, at a dual point
local function dualcost (f, n, count)
  local derivative = cr.derivative
  local t0 = os.clock()
  for i = 1, count do derivative(f, cr.dual(0.1 + 0.8 * i / count, 0), n) end
  return (os.clock() - t0) / count
end
local d8 = dualcost(poly, 8, 200)
print(("duals (the path before Taylor mode) at order 8 on sum x^i/i: %.1f µs per point, %.0fx Taylor's"):format(
  d8 * 1e6, d8 / perpoint(poly, 8, N)))
print(("targets: order 16 on the polynomial %.2fx order 1 (<= 10x); 16th derivative of exp(sin(x)) %.2f µs (< 1 ms)"):format(
  results["sum_{i<=20} x^i/i"].o16 / results["sum_{i<=20} x^i/i"].base, results["exp(sin(x))"].o16 * 1e6))
