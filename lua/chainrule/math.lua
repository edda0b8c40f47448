-- chainrule.math: a drop-in for math whose functions also take duals and other chainrule values
local core = require "chainrule.core"
local util = require "chainrule.util"

local ops = core.ops
local type, select, error, getmetatable, tonumber = type, select, error, getmetatable, tonumber
local mtype, tointeger = util.mtype, util.tointeger

local function cr_value (x)  -- value of a dual or of another chainrule value
  if core.isdual(x) then return core.value(x) end
  return x.value
end

local M = {}

-- start from a copy of math, so constants and integer helpers are the same
for k, v in pairs(math) do M[k] = v end

local function typename (v, given)
  if not given then return "no value" end
  local mt = getmetatable(v)
  return (mt and type(mt.__name) == "string" and mt.__name) or type(v)
end

local function isnum (x)
  local t = type(x)
  if t == "number" then return true end
  local mt = getmetatable(x)
  return core.isdual(x) or (mt ~= nil and mt.__crapply ~= nil)
end

local function argcheck (name, i, x, given)
  if not isnum(x) then
    error(("bad argument #%d to '%s' (number expected, got %s)"):format(
      i, name, typename(x, given)), 4)  -- past the C wrapper, at its caller
  end
end

-- argument i as a number-like value, a numeric string converted as math converts it
-- (not "arg": Lua 5.1 gives every vararg function a local of that name)
local function numarg (name, i, x, given)
  if type(x) == "string" then
    local v = tonumber(x)
    if v then return v end
  end
  if not isnum(x) then
    error(("bad argument #%d to '%s' (number expected, got %s)"):format(
      i, name, typename(x, given)), 4)  -- past the C wrapper, at its caller
  end
  return x
end

-- these are the ops' C functions: on numbers they give what math gives, bit for bit
local direct = {"sin", "cos", "tan", "asin", "acos", "exp", "sqrt", "abs",
                "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "log1p", "expm1",
                "cbrt", "erf", "sigmoid", "relu", "softplus", "hypot"}
for _, name in ipairs(direct) do M[name] = ops[name] end

--[[ The rest are math's own function (through core.mathwrap) unless one of the arguments
  that count is a chainrule value; then the version below runs.  So plain values get math's
  results, its coercion of numeric strings and its messages, whatever they are. ]]
local cr = {}

cr.floor, cr.ceil = ops.floor, ops.ceil

function cr.fmod (...)
  local a, b = ...
  a = numarg("fmod", 1, a, true)
  b = numarg("fmod", 2, b, select("#", ...) >= 2)
  return ops.fmod(a, b)
end

-- atan(y [, x]), and the compatibility name atan2 (math.atan2 is math.atan in Lua 5.4)
local function atan (name)
  return function (y, ...)
    local x = ...
    y = numarg(name, 1, y, true)
    if x == nil then return ops.atan(y) end
    return ops.atan2(y, numarg(name, 2, x, true))
  end
end
cr.atan = atan("atan")
cr.atan2 = atan("atan2")

-- log(x, 2) and log(x, 10) use log2 and log10, as math.log does (in C: no Lua call per use)
cr.log = core.mathlog

function cr.modf (x)
  local ip = ops.trunc(x)
  local v = cr_value(x)
  if type(v) == "number" and (v == math.huge or v == -math.huge) then
    return ip, 0.0   -- math.modf(inf) is inf, 0.0
  end
  return ip, x - ip
end

function cr.pow (...)
  local x, y = ...
  x = numarg("pow", 1, x, true)
  y = numarg("pow", 2, y, select("#", ...) >= 2)
  return x ^ y
end

-- the exponent as math.ldexp takes it: an integer, or a float or string with an integer value
function cr.ldexp (...)
  local m, e = ...
  m = numarg("ldexp", 1, m, true)
  local v = type(e) == "string" and tonumber(e) or e
  local n = mtype(v) and tointeger(v)
  if not n then
    error(("bad argument #2 to 'ldexp' (%s)"):format(mtype(v)
      and "number has no integer representation"
      or "number expected, got " .. typename(e, select("#", ...) >= 2)), 3)
  end
  return m * math.ldexp(1, n)  -- scaling by a power of two is exact
end

function cr.frexp (x)
  local _, e = math.frexp(cr_value(x))
  return x * math.ldexp(1, -e), e
end

function cr.deg (x) return x * (180.0 / math.pi) end
function cr.rad (x) return x * (math.pi / 180.0) end

-- max and min pick as math does (the first of equal values, the first argument over a NaN).
-- Two arguments are the op itself, whose rule splits a tie in halves.  With more, pairwise
-- halves would depend on the order, so the tied arguments share the derivative evenly:
--   (m - tie(m, m)) - (sum_i tie(-m, -x_i)) / max(k, 1),  k = sum_i same(x_i, m)
-- tie is 0 carrying its second argument's derivative where the two are equal, so this is
-- m in value (-0.0 too) with derivative exactly (sum over ties of x_i') / k.  k is 0 only
-- when x_1 is NaN, and then the result is m with m's own derivative.  Strings are refused:
-- math.max compares, and Lua does not order strings and numbers.
local same, tie, opmax = ops.same, ops.tie, ops.max
local isdual, istaylor, isvar = core.isdual, core.istaylor, core.isvar
local function pointwise (v) return isdual(v) or istaylor(v) or isvar(v) end
-- the values compared, not the values: Lua 5.1 and LuaJIT compare no userdata with a number
local function plain (v)
  while type(v) ~= "number" do v = cr_value(v) end  -- a Taylor value's value may be a dual
  return v
end
local function extremum (name, op)
  local ismax = name == "max"
  return function (...)
    local n = select("#", ...)
    local m = ...
    argcheck(name, 1, m, true)
    for i = 2, n do
      local v = select(i, ...)
      argcheck(name, i, v, true)
      m = op(m, v)
    end
    if n < 3 then return m end
    if pointwise(m) then  -- a value at one point, not a trace: the terms matter only at a tie
      local k, mv = 0, plain(m)
      for i = 1, n do
        local v = plain((select(i, ...)))
        -- m is above (below) every argument but NaN: one comparison tells a tie
        if (ismax and mv <= v) or (not ismax and v <= mv) then k = k + 1 end
      end
      if k <= 1 then return m end  -- m then has the chosen argument's derivative already
    end
    local k, s, negm = 0, 0, -m
    for i = 1, n do
      local v = select(i, ...)
      k = k + same(v, m)
      s = s + tie(negm, -v)
    end
    return (m - tie(m, m)) - s / opmax(k, 1)
  end
end
cr.max = extremum("max", ops.max)
cr.min = extremum("min", ops.min)

-- for each: how many leading arguments it reads (0: all; the rest math ignores), and math's
-- checks of them (core.mathwrap runs them with the function's own name in the message)
-- math.fmod checks its two arguments within one C call, so which is checked first is the
-- compiler's choice: ask it
local fmodsig = select(2, pcall(math.fmod)):find("#2", 1, true) and "zrnn" or "znn"
local wraps = {floor = {1, "n"}, ceil = {1, "n"}, deg = {1, "n"}, rad = {1, "n"}, modf = {1, "n"},
               frexp = {1, "n"}, fmod = {2, fmodsig}, atan = {2, "no"}, atan2 = {2, "no"},
               log = {2, "no"}, pow = {2, "nn"}, ldexp = {2, "ni"}, max = {0, "v"}, min = {0, "v"}}
-- Lua 5.1, 5.2 and LuaJIT: math.atan takes y alone and math.atan2 needs x; here both are 5.4's
-- atan (y [, x = 1]) on every version
local own = {}
if math.atan(1, -1) == math.atan(1) and math.atan2 then
  local atan1, atan2 = math.atan, math.atan2
  own.atan = function (y, x) if x == nil then return atan1(y) end return atan2(y, x) end
  own.atan2 = own.atan
end
-- Lua 5.1: math.log takes x alone; here log (x [, base]) as 5.2 and later compute it
if math.log(8, 2) ~= 3 then
  local log, log10 = math.log, math.log10
  own.log = function (x, base)
    if base == nil then return log(x) end
    if base == 10 then return log10(x) end
    return log(x) / log(base)
  end
end
for name, w in pairs(wraps) do
  -- compatibility functions (pow, ldexp, frexp) only where this Lua's math has them
  local f = own[name] or math[name]
  if f then M[name] = core.mathwrap(name, f, cr[name], w[1], w[2]) end
end
-- atan2 always: Lua 5.4 without LUA_COMPAT_MATHLIB has no math.atan2, and with it math.atan2
-- is math.atan (y [, x = 1]); so is this one
if not math.atan2 then M.atan2 = core.mathwrap("atan2", math.atan, cr.atan2, 2, "no") end
if math.log10 then M.log10 = ops.log10 end
if math.mod then M.mod = M.fmod end  -- Lua 5.1's old name of fmod

return M
