-- chainrule: exact derivatives of Lua functions by the chain rule (public API)
local core = require "chainrule.core"
local util = require "chainrule.util"

local type, select, getmetatable, pcall = type, select, getmetatable, pcall
local typename, callable, raise = util.typename, util.callable, util.raise

local M = {}

M._VERSION = "chainrule 0.1.0"
M.core = core

M.dual = core.dual
M.isdual = core.isdual
M.istaylor = core.istaylor
M.derivative = core.derivative
M.derivatives = core.derivatives

-- value and deriv take numbers, duals, and any chainrule type with .value / .deriv
local function part (name, coref, field)
  return function (x, ...)
    if select("#", ...) > 0 then
      raise(("bad argument #2 to '%s' (no more than 1 argument expected)"):format(name))
    end
    local t = type(x)
    if t == "number" or core.isdual(x) then return coref(x) end
    local mt = getmetatable(x)
    if mt and mt.__crapply then return x[field] end
    local tn = (mt and mt.__name) or (t == "nil" and select("#", x) == 0 and "no value") or t
    raise(("bad argument #1 to '%s' (number or dual expected, got %s)"):format(name, tn))
  end
end

M.value = part("value", core.value, "value")
M.deriv = part("deriv", core.deriv, "deriv")

--- diff(f [, n]) is the function x -> f^(n)(x); diff(diff(f)) is f''.
function M.diff (...)
  local f, n = ...
  local nargs = select("#", ...)
  local mt = getmetatable(f)
  if mt and mt.__crdiff then  -- symbolic values; the C function's errors are the caller's
    local ok, r = pcall(mt.__crdiff, ...)
    if not ok then util.reraise(r) end
    return r
  end
  if not callable(f) then
    raise(("bad argument #1 to 'diff' (function expected, got %s)"):format(
      nargs == 0 and "no value" or typename(f)))
  end
  if n == nil then n = 1
  elseif type(n) ~= "number" or n < 0 or n ~= math.floor(n) or n == math.huge then
    raise(("bad argument #2 to 'diff' (order must be a non-negative integer, got %s)"):format(
      type(n) == "number" and tostring(n) or typename(n)))
  end
  if nargs > 2 then
    raise("bad argument #3 to 'diff' (no more than 2 arguments expected)")
  end
  local derivative = core.derivative
  return function (x)
    return (derivative(f, x, n))
  end
end

M.math = require "chainrule.math"

-- reverse mode: gradient, jacobian, hessian, hvp, check, and the param / Var object API
do
  local reverse = require "chainrule.reverse"
  for _, k in ipairs{"gradient", "graph", "jacobian", "hessian", "hvp", "check", "param",
                     "zero_grad", "no_grad", "tapelimit", "isvar"} do
    M[k] = reverse[k]
  end
end

M.dot = require "chainrule.graph".dot

-- symbolic expressions, compositions, the explainer and compiled functions
require("chainrule.symbolic")(M)

-- typed formulas and their chain: formula, links, split
do
  local formula = require "chainrule.formula"
  M.formula, M.links, M.split = formula.formula, formula.links, formula.split
end

return M
