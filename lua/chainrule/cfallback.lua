-- chainrule.cfallback: the chainrule.Compiled interface answered per point by duals, for a
-- function that cannot be traced (cr.compile(f, {fallback = true}))
local core = require "chainrule.core"
local util = require "chainrule.util"

local type, select, getmetatable, setmetatable, pcall = type, select, getmetatable, setmetatable, pcall
local mtype, unpack, fmt = util.mtype, util.unpack, string.format
local typename, raise = util.typename, util.raise

local ARRAY = getmetatable(core.array(0))

local function isarray (v) return getmetatable(v) == ARRAY end

return function (M)
  local Fallback = {__name = "chainrule.Compiled"}
  Fallback.__index = Fallback

  -- f(x), f'(x), ..., f^(order)(x) at one number, as floats (the tape gives doubles)
  local function atpoint (self, x)
    local ok, r = pcall(M.derivatives, self.f, x, self.order)
    if not ok then util.relay(r, "^derivatives: function returned", "eval: function returned") end
    for i = 1, #r do r[i] = M.value(r[i]) + 0.0 end
    return r
  end

  --- F(x): f(x) at a number, or f itself over a dual or Taylor value
  function Fallback.__call (self, x)
    if type(x) == "number" then return atpoint(self, x)[1] end
    if core.isdual(x) or core.istaylor(x) then return self.f(x) end
    raise(fmt("bad argument #1 to compiled function (number or dual expected, got %s)",
              typename(x)))
  end

  function Fallback.__tostring (self)
    return "chainrule.Compiled (per-point duals): " .. self.reason
  end

  --- F:size(): 0, nothing is taped
  function Fallback.size () return 0 end

  --- F:eval(x), F:eval(xs [, vals, ders, ...]): as the compiled tape's eval, one point at a time
  function Fallback.eval (self, xs, ...)
    local k = self.order + 1
    if type(xs) == "number" then return unpack(atpoint(self, xs), 1, k) end
    if isarray(xs) then
      local n, outs = #xs, {}
      local given = select("#", ...) > 0
      for j = 1, k do
        local o = given and select(j, ...) or core.array(n)
        local dup = o == xs
        for jj = 1, j - 1 do if outs[jj] == o then dup = true end end
        if not isarray(o) or #o ~= n or dup then
          raise(fmt("bad argument #%d to 'eval' (array of %d numbers expected, distinct from the others)",
                    j + 1, n))
        end
        outs[j] = o
      end
      for i = 1, n do
        local r = atpoint(self, xs[i])
        for j = 1, k do outs[j][i] = r[j] end
      end
      return unpack(outs, 1, k)
    end
    if type(xs) == "table" then
      local n = #xs
      for i = 1, n do
        if type(xs[i]) ~= "number" then
          raise(fmt("bad argument #1 to 'eval' (number expected at index %d, got %s)", i,
                    type(xs[i])))
        end
      end
      local res = {}
      for j = 1, k do res[j] = {} end
      for i = 1, n do
        local r = atpoint(self, xs[i])
        for j = 1, k do res[j][i] = r[j] end
      end
      return unpack(res, 1, k)
    end
    raise(fmt("bad argument #1 to 'eval' (number, table or array expected, got %s)",
              xs == nil and "no value" or typename(xs)))
  end

  --- F:sample(a, b, n): n points evenly from a to b, then the value and derivative arrays
  function Fallback.sample (self, a, b, n)
    for i, v in ipairs{a, b} do
      if type(v) ~= "number" then
        raise(fmt("bad argument #%d to 'sample' (number expected, got %s)", i,
                  v == nil and "no value" or typename(v)))
      end
    end
    local count = mtype(n) == "float" and util.tointeger(n) or n
    if mtype(count) ~= "integer" or count < 1 or count > 100000000 then
      raise("bad argument #3 to 'sample' (count must be from 1 to 1e8)")
    end
    local xs = core.array(count)
    for i = 0, count - 1 do
      xs[i + 1] = (count == 1) and a or a + (b - a) * (i / (count - 1))
    end
    return xs, self:eval(xs)
  end

  --- fallback(f, order, reason): the per-point object compile returns when f cannot be traced
  return function (f, order, reason)
    return setmetatable({f = f, order = order, reason = reason, compiled = false}, Fallback)
  end
end
