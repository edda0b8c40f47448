-- fuzz.lua: random programs over chainrule's public API, cross-checked; a failing seed reproduces
--   lua5.4 scripts/fuzz.lua [--seed S] [--count N] [--program P] [--verbose]
-- Each program has its own seed P; `--program P` runs that one alone and prints it.
local cr = require "chainrule"
local cm = cr.math

local opts = {seed = 1, count = 2000, verbose = false}
do
  local i = 1
  while arg and arg[i] do
    local a = arg[i]
    if a == "--seed" or a == "--count" or a == "--program" then
      local v = tonumber(arg[i + 1])
      if not v or v ~= math.floor(v) then
        io.stderr:write(("fuzz.lua: %s needs a whole number\n"):format(a)); os.exit(2)
      end
      opts[a:sub(3)] = math.tointeger(v)
      i = i + 2
    elseif a == "--verbose" then opts.verbose = true; i = i + 1
    elseif a == "--help" or a == "-h" then
      print("usage: lua5.4 scripts/fuzz.lua [--seed S] [--count N] [--program P] [--verbose]")
      os.exit(0)
    else
      io.stderr:write(("fuzz.lua: unknown option %s (try --help)\n"):format(a)); os.exit(2)
    end
  end
end

-- a small deterministic generator (xorshift64*), independent of math.random's state
local function rng (seed)
  local s = (seed * 2654435761 + 0x9E3779B97F4A7C15) | 1
  return function (n)
    s = s ~ (s >> 12); s = s ~ (s << 25); s = s ~ (s >> 27)
    local r = (s * 0x2545F4914F6CDD1D) >> 11
    return r % n + 1
  end
end

local unary = {"sin", "cos", "tan", "asin", "acos", "atan", "exp", "log", "sqrt", "abs",
  "floor", "ceil", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "log1p", "expm1",
  "cbrt", "erf", "sigmoid", "relu", "softplus", "deg", "rad"}
local binary = {"atan", "log", "fmod", "max", "min", "hypot"}
local infix = {"+", "-", "*", "/", "^", "%", "//"}
local consts = {"0", "1", "2", "3", "-1", "0.5", "2.5", "-0.0", "1e-300", "1e300",
  "(1/0)", "(-1/0)", "(0/0)", "math.pi", "7", "10"}
local bad = {"nil", "'str'", "{}", "true", "print"}
-- functions whose integer results on plain numbers differ from a dual's float value
local intlike = {floor = true, ceil = true, fmod = true, ["%"] = true, ["//"] = true}

-- builds a random expression in the variable v; nested derivatives get fresh variables
local function gen (r, depth, vars, info)
  local k = r(12)
  if depth <= 0 or k <= 3 then
    if r(60) == 1 then info.bad = (info.bad or 0) + 1; return bad[r(#bad)] end
    if k <= 2 or r(3) == 1 then return vars[r(#vars)] end
    local c = consts[r(#consts)]
    if c == "1e300" or c == "1e-300" then info.extreme = true end
    if c == "0" or c == "-0.0" then info.zero = true end
    return c
  end
  if k <= 6 then
    local op = infix[r(#infix)]
    if intlike[op] then info.intlike = true end
    if op == "^" then info.pow = true end
    return ("(%s %s %s)"):format(gen(r, depth - 1, vars, info), op, gen(r, depth - 1, vars, info))
  elseif k <= 9 then
    local f = unary[r(#unary)]
    if intlike[f] then info.intlike = true end
    return ("cm.%s(%s)"):format(f, gen(r, depth - 1, vars, info))
  elseif k <= 10 then
    local f = binary[r(#binary)]
    if intlike[f] then info.intlike = true end
    -- log(x, b) with a dual base whose value is 2 or 10 divides logs instead of calling log2
    if f == "log" then info.inexact = true end
    local a, b = gen(r, depth - 1, vars, info), gen(r, depth - 1, vars, info)
    if b == "nil" and (f == "log" or f == "atan") then  -- nil is their default base
      b = "2"
      info.bad = info.bad - 1
    end
    return ("cm.%s(%s, %s)"):format(f, a, b)
  elseif k == 11 then
    return ("(- %s)"):format(gen(r, depth - 1, vars, info))
  else  -- a nested derivative, in a variable of its own
    info.nested = true
    local y = "y" .. depth
    local inner = gen(r, depth - 1, {vars[1], y}, info)
    return ("(cr.derivative(function (%s) return %s end, %s))"):format(
      y, inner, gen(r, depth - 2, vars, info))
  end
end

local env = setmetatable({cr = cr, cm = cm, math = math, print = print}, {__index = function (_, k)
  error("fuzz program read global " .. tostring(k), 2)
end})

local function sameval (a, b)
  if a ~= a then return b ~= b end
  return a == b
end

local function isnum (v) return type(v) == "number" end

local checks, failures = 0, 0

local function fail (p, src, what)
  failures = failures + 1
  io.stderr:write(("FAIL program %d: %s\n  f(x) = %s\n  reproduce: lua5.4 scripts/fuzz.lua --program %d\n")
    :format(p, what, src, p))
end

local function run (p)
  local r = rng(p)
  local info = {}
  local body = gen(r, 2 + r(4), {"x"}, info)
  local src = "return function (x) return " .. body .. " end"
  local f = assert(load(src, "=program " .. p, "t", env))()
  -- floats: a dual's value is a float, and integer 0 has no sign to keep
  local x0 = ({0.3, -1.2, 2.0, 0.5, 1.7, -0.25, 3.0, 0.0})[r(8)]
  if info.bad == 0 then info.bad = nil end
  if opts.verbose then print(("program %d at x = %g: %s"):format(p, x0, body)) end

  -- 1. every call returns numbers or raises a string error
  local ok, d, v = pcall(cr.derivative, f, x0)
  if not ok then
    checks = checks + 1
    if type(d) ~= "string" then return fail(p, body, "error value is a " .. type(d)) end
    if info.bad then return end
    -- errors without bad leaves come only from too deep nesting or integer division by zero
    local expected = {"too many nested derivatives", "attempt to perform 'n//0'",
      "attempt to perform 'n%0'", "attempt to divide by zero", "bad argument #2 to 'fmod' (zero)"}
    local known = false
    for _, e in ipairs(expected) do known = known or d:find(e, 1, true) ~= nil end
    if not known then
      return fail(p, body, "unexpected error: " .. d)
    end
    return
  end
  if info.bad then return fail(p, body, "a nil/string/table operand raised no error") end
  if not (isnum(d) and isnum(v)) then return fail(p, body, "derivative returned a non-number") end

  -- 2. the value equals plain-number evaluation, bit for bit
  if not info.intlike and not info.nested and not info.inexact then
    local okp, pv = pcall(f, x0)
    checks = checks + 1
    -- plain Lua keeps integer zeros, which have no sign; a dual's 0.0 does
    local zerosign = info.zero  -- its sign can surface anywhere: 1/-0, atan(-0, -1), ...
    if okp and isnum(pv) and not sameval(pv, v) and not zerosign then
      return fail(p, body, ("value %.17g, plain evaluation %.17g"):format(v, pv))
    end
  end

  -- 3. one tag or three, the first derivative is the same number
  local all = cr.derivatives(f, x0, 3)
  checks = checks + 1
  if not (sameval(all[1], v) and sameval(all[2], d)) then
    return fail(p, body, ("derivatives() gives %.17g, %.17g; derivative() %.17g, %.17g")
      :format(all[1], all[2], v, d))
  end

  local function fin (t) return t == t and math.abs(t) < math.huge end

  -- 4. reverse mode gives the same derivative as forward mode
  if cr.gradient then
    local okg, g, gv = pcall(cr.gradient, f, x0)
    checks = checks + 1
    if not okg then
      if type(g) ~= "string" then return fail(p, body, "gradient raised a " .. type(g)) end
      -- an inner derivative that is a plain 0 under gradient (a dual 0 in forward mode)
      -- can meet math.floor's integer result and integer division by zero
      local benign = {"too many nested derivatives", "attempt to divide by zero",
        "attempt to perform 'n%0'", "bad argument #2 to 'fmod' (zero)"}
      local known = false
      for _, e in ipairs(benign) do known = known or g:find(e, 1, true) ~= nil end
      if not known then
        return fail(p, body, "gradient failed where derivative worked: " .. g)
      end
    else
      g = g[1]
      -- a zero derivative may be +0 in one mode and -0 in the other, and a nested
      -- program can turn that sign into an infinity of either sign
      local signed = info.nested and (v == -gv or v == 0 or gv == 0
        or math.abs(v) == math.huge or math.abs(gv) == math.huge)
      if not sameval(gv, v) and not signed then
        return fail(p, body, ("gradient's value %.17g, derivative's %.17g"):format(gv, v))
      end
      -- the same products in another order: equal up to rounding.  Where the value or
      -- either derivative is NaN or inf, an infinite partial may meet a perturbation that
      -- cancelled to exactly 0 (acos(x/x)): forward mode drops the term, reverse mode
      -- spreads inf over the parts before they cancel.  Only finite results are compared.
      local finite = fin(v) and fin(d) and fin(g)
      -- a derivative that is rounding noise (it jumps when x moves by one part in 2^40)
      -- or that 1e300 absorbs differs with the order of operations
      local d2 = select(2, pcall(cr.derivative, f, x0 * (1 + 2^-40) + 2^-60))
      local noisy = type(d2) ~= "number" or math.abs(d2 - d) > 1e-6 * math.max(1, math.abs(d))
      finite = finite and not noisy and not info.extreme and math.abs(v) < 1e8
      local close = sameval(g, d) or math.abs(g - d) <= 1e-9 * math.max(1, math.abs(d))
        or (math.abs(d) < 1e-6 and math.abs(g) < 1e-6)  -- both cancellation noise
      if finite and not close then
        return fail(p, body, ("reverse %.17g, forward %.17g"):format(g, d))
      end
    end
  end

  -- 6. a compiled gradient (exact mode) agrees with the tape's: same value bit for bit, the
  -- same gradient up to the order in which shared subexpressions sum their adjoints
  if cr.symbol and cr.gradient and not info.nested then
    local wrapped = function (xs) return f(xs[1]) end
    local okc, G = pcall(cr.compile, wrapped, {n = 1, exact = true})
    local okt, gt, vt = pcall(cr.gradient, wrapped, {x0})
    checks = checks + 1
    if okc and okt then
      local okg, gc, vc = pcall(G.gradient, G, {x0})
      if not okg then return fail(p, body, "compiled gradient raised: " .. tostring(gc)) end
      if not sameval(vc, cr.value(vt)) and not (vc == 0 and vt == 0) then
        return fail(p, body, ("compiled gradient's value %.17g, tape's %.17g"):format(vc, vt))
      end
      local a, b = gc[1], cr.value(gt[1])
      if fin(a) and fin(b) and fin(vc) and not info.extreme
         and not (sameval(a, b) or math.abs(a - b) <= 1e-12 * math.max(1, math.abs(b))) then
        return fail(p, body, ("compiled gradient %.17g, tape %.17g"):format(a, b))
      end
    elseif not okc and type(G) ~= "string" then
      return fail(p, body, "compile {n = 1} raised a " .. type(G))
    end
  end

  -- 5. symbolic differentiation and exact compiled evaluation agree with the duals
  local function zeq (a, b) return sameval(a, b) or (a == 0 and b == 0) end  -- +0 == -0
  if cr.symbol and not info.nested then
    local okc, F = pcall(cr.compile, f, {exact = true})
    checks = checks + 1
    if okc then
      local cv, cd = F:eval(x0)
      -- where NaN or inf appear, the compiled program multiplies by IEEE rules while the
      -- duals drop zero terms (strong zero), so only finite results must match exactly
      if fin(v) and fin(d) and not (zeq(cv, v) and zeq(cd, d)) then
        return fail(p, body, ("compiled %.17g, %.17g; duals %.17g, %.17g"):format(cv, cd, v, d))
      end
    elseif type(F) ~= "string" then
      return fail(p, body, "compile raised a " .. type(F))
    end
    local X = cr.symbol("x")
    local oke, e = pcall(f, X)
    if oke and cr.isexpr(e) then
      local okd, de = pcall(cr.diff, e, X)
      checks = checks + 1
      if not okd then return fail(p, body, "diff failed: " .. tostring(de)) end
      local sv, sd = e:eval{x = x0}, de:eval{x = x0}
      -- simplification reorders sums and products: equal up to rounding where well-conditioned
      local d2 = select(2, pcall(cr.derivative, f, x0 * (1 + 2^-40) + 2^-60))
      local steady = type(d2) == "number" and math.abs(d2 - d) <= 1e-6 * math.max(1, math.abs(d))
      if fin(v) and fin(d) and math.abs(v) < 1e8 and steady and not info.extreme then
        local function near (a, b) return math.abs(a - b) <= 1e-9 * math.max(1, math.abs(b))
          or (math.abs(a) < 1e-6 and math.abs(b) < 1e-6) end
        -- full simplification folds 0*y to 0 and may flip the sign of a zero, which
        -- atan2, division and // then turn into a different sign or an infinity
        -- so does x - x, and re-associating changes the last bits that floor, % and //
        -- can turn into whole units; only continuous programs are compared by value
        local signflip = info.zero or sv == -v or sv == 0 or v == 0 or not fin(sv)
        if not info.intlike and not (fin(sv) and near(sv, v)) and not signflip then
          return fail(p, body, ("symbolic value %.17g, duals %.17g"):format(sv, v))
        end
        -- the printed derivative multiplies by IEEE rules: where an infinite factor meets
        -- a zero one (acos(x/x)) it is NaN and the duals give the strong zero, so a
        -- non-finite symbolic derivative is no verdict
        if fin(sd) and not near(sd, d) and not info.intlike and not signflip then
          return fail(p, body, ("symbolic derivative %.17g, duals %.17g (%s)"):format(sd, d, tostring(de)))
        end
      end
    elseif not oke and type(e) ~= "string" then
      return fail(p, body, "tracing raised a " .. type(e))
    end
  end

  -- 6. where f is smooth, the derivative agrees with central differences
  -- piecewise functions (floor, %, ...) can jump inside any step; nesting is checked by 3.
  -- x = 0 is where abs, relu, sqrt and cbrt have their kinks and infinite slopes, and
  -- the documented conventions there need not match a difference quotient
  if math.abs(d) < 1e8 and v == v and math.abs(v) < 1e8 and not info.nested and x0 ~= 0
      and not info.intlike and not info.extreme then  -- 1e300 absorbs any step
    local function fx (t) local okf, y = pcall(f, t); return okf and isnum(y) and y or 0/0 end
    local h1, h2 = 1e-4 * (1 + math.abs(x0)), 5e-5 * (1 + math.abs(x0))
    local f0 = fx(x0)
    local fd1 = (fx(x0 + h1) - fx(x0 - h1)) / (2 * h1)
    local fd2 = (fx(x0 + h2) - fx(x0 - h2)) / (2 * h2)
    local fwd, bwd = (fx(x0 + h2) - f0) / h2, (f0 - fx(x0 - h2)) / h2
    local function near (a, b, rel) return math.abs(a - b) <= rel * (1 + math.abs(b)) end
    -- smooth here when two step sizes agree closely and so do both one-sided slopes
    -- (a kink or a jump at x0 fails the second test)
    -- a step absorbed by a huge operand (x - 1e300) shows no change at all: no verdict
    local absorbed = fx(x0 + h2) == fx(x0 - h2) and d ~= 0
    -- at a pole of an inner piece ((3-x) = 0 inside) AD meets inf * 0; the higher
    -- derivatives are not finite there, so no verdict
    local regular = fin(all[3]) and fin(all[4])
    if fd1 == fd1 and fd2 == fd2 and near(fd1, fd2, 1e-7) and near(fwd, bwd, 1e-3)
        and not absorbed and regular then
      checks = checks + 1
      -- truncation error, plus rounding of f itself divided by the step
      local tol = 1e-5 * (1 + math.abs(fd2)) + 8 * 2.2e-16 * math.abs(f0) / h2
      if math.abs(d - fd2) > tol then
        -- a real error persists nearby; a removable singularity (an inner piece with a
        -- pole at x0, as in c/((x^10)/(3 - x)) at 3) does not
        local x1 = x0 + 1e-6 * (1 + math.abs(x0))
        local okn, dn = pcall(cr.derivative, f, x1)
        local fdn = (fx(x1 + h2) - fx(x1 - h2)) / (2 * h2)
        local persists = not okn or type(dn) ~= "number"
          or math.abs(dn - fdn) > 1e-5 * (1 + math.abs(fdn)) + 8 * 2.2e-16 * math.abs(f0) / h2
        if persists then
          return fail(p, body, ("derivative %.17g, central difference %.17g at x = %g"):format(d, fd2, x0))
        end
      end
    end
  end
end

local first = opts.program or (opts.seed * 1000003)
local count = opts.program and 1 or opts.count
for p = first, first + count - 1 do
  local ok, err = pcall(run, p)
  if not ok then fail(p, "(generator)", tostring(err)) end
  collectgarbage("step")  -- collect as we go, so a use-after-free would show under ASan
end
print(("fuzz: %d random programs from seed %d, %d cross-checks"):format(count, opts.seed, checks))
if failures > 0 then print(("%d of %d programs failed"):format(failures, count)) end
print(failures == 0 and "1 passed, 0 failed" or "0 passed, 1 failed")  -- the run is one test
os.exit(failures == 0 and 0 or 1)
