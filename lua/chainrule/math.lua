-- chainrule.math: a drop-in for math whose functions also take duals and other chainrule values
local core = require "chainrule.core"

local ops = core.ops
local type, select, error, getmetatable = type, select, error, getmetatable
local mathtype = math.type

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
      i, name, typename(x, given)), 3)
  end
end

-- these are the ops' C functions: on numbers they give what math gives, bit for bit,
-- and floor, ceil and abs keep integer results as math does
local direct = {"sin", "cos", "tan", "asin", "acos", "exp", "sqrt", "abs", "floor", "ceil",
                "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "log1p", "expm1",
                "cbrt", "erf", "sigmoid", "relu", "softplus", "hypot"}
for _, name in ipairs(direct) do M[name] = ops[name] end

function M.fmod (a, b, ...)
  if type(a) == "number" and type(b) == "number" then
    if b == 0 and mathtype(a) == "integer" and mathtype(b) == "integer" then
      error("bad argument #2 to 'fmod' (zero)", 2)
    end
    return math.fmod(a, b, ...)
  end
  argcheck("fmod", 1, a, true)
  argcheck("fmod", 2, b, b ~= nil)
  return ops.fmod(a, b)
end

function M.atan (y, x, ...)
  if type(y) == "number" and (x == nil or type(x) == "number") then
    return math.atan(y, x, ...)
  end
  argcheck("atan", 1, y, true)
  if x == nil then return ops.atan(y) end
  argcheck("atan", 2, x, true)
  return ops.atan2(y, x)
end

-- log(x, 2) and log(x, 10) use log2 and log10, as math.log does (in C: no Lua call per use)
M.log = core.mathlog

function M.modf (x, ...)
  if type(x) == "number" then return math.modf(x, ...) end
  argcheck("modf", 1, x, true)
  local ip = ops.trunc(x)
  local v = core.isdual(x) and core.value(x) or x.value
  if type(v) == "number" and (v == math.huge or v == -math.huge) then
    return ip, 0.0   -- math.modf(inf) is inf, 0.0
  end
  return ip, x - ip
end

-- max and min pick as math does (the first of equal values); derivative ties split evenly
local function extremum (name, op)
  local mf = math[name]
  return function (...)
    local n = select("#", ...)
    local allnum = true
    for i = 1, n do
      if type((select(i, ...))) ~= "number" then allnum = false; break end
    end
    if n == 0 then
      error(("bad argument #1 to '%s' (number expected, got no value)"):format(name), 2)
    end
    if allnum then return mf(...) end
    local acc = ...
    argcheck(name, 1, acc, true)
    for i = 2, n do
      local v = select(i, ...)
      argcheck(name, i, v, true)
      acc = op(acc, v)
    end
    return acc
  end
end
M.max = extremum("max", ops.max)
M.min = extremum("min", ops.min)

-- Lua's compatibility functions, when this Lua has them (LUA_COMPAT_MATHLIB)
if math.atan2 then M.atan2 = ops.atan2 end
if math.log10 then M.log10 = ops.log10 end
if math.pow then
  function M.pow (x, y, ...)
    if type(x) == "number" and type(y) == "number" then return math.pow(x, y, ...) end
    argcheck("pow", 1, x, true)
    argcheck("pow", 2, y, y ~= nil)
    return x ^ y
  end
end
if math.ldexp then
  function M.ldexp (m, e, ...)
    if type(m) == "number" then return math.ldexp(m, e, ...) end
    argcheck("ldexp", 1, m, true)
    local n = math.tointeger(e)
    if not n then
      error(("bad argument #2 to 'ldexp' (%s)"):format(type(e) == "number"
        and "number has no integer representation" or "number expected, got " .. type(e)), 2)
    end
    return m * math.ldexp(1, n)  -- scaling by a power of two is exact
  end
end
if math.frexp then
  function M.frexp (x, ...)
    if type(x) == "number" then return math.frexp(x, ...) end
    argcheck("frexp", 1, x, true)
    local _, e = math.frexp(cr_value(x))
    return x * math.ldexp(1, -e), e
  end
end

function M.deg (x)
  if type(x) == "number" then return math.deg(x) end
  argcheck("deg", 1, x, true)
  return x * (180.0 / math.pi)
end

function M.rad (x)
  if type(x) == "number" then return math.rad(x) end
  argcheck("rad", 1, x, true)
  return x * (math.pi / 180.0)
end

return M
