-- chainrule.cgrad: cr.compile(f, {n = k [, data = m]}), a gradient traced once and run in C
local core = require "chainrule.core"
local util = require "chainrule.util"
local typename, scoped = util.typename, util.scoped

-- the trace's mode for util.scoped: no simplification, branches detected, and every op kept
-- in the order f makes it (the tape's order); it returns the mode it replaced
local function tracemode (m)
  local lv, tr = core.expr_mode(m.lv, m.tr)
  return {lv = lv, tr = tr, app = core.gradtrace(m.app)}
end
local TRACING = {lv = 0, tr = true, app = true}

local type, error, tostring, setmetatable = type, error, tostring, setmetatable
local mtype, fmt = math.type, string.format

local LIMIT = 1 << 24       -- default bound on slots + instructions + edges of one program
local INPUTS_MAX = 1 << 24

local function optcount (opts, key, lo, hi)
  local v = opts[key]
  if v == nil then return nil end
  local iv = mtype(v) == "float" and v == v // 1 and math.tointeger(v) or v
  if mtype(iv) ~= "integer" or iv < lo or iv > hi then
    error(fmt("bad argument #2 to 'compile' (%s must be an integer from %d to %d, got %s)", key,
              lo, hi, type(v) == "number" and tostring(v) or typename(v)), 3)
  end
  return iv
end

-- when f branches, the same interface answered per call by the Var tape
local Fallback = {__name = "chainrule.Gradient"}
Fallback.__index = Fallback
function Fallback.__tostring (self) return "chainrule.Gradient (tape per call): " .. self.reason end
function Fallback.size () return 0, 0, 0 end

local function sumrows (self, w, rows, wantgrad)
  local gsum, vsum = {}, 0.0
  for i = 1, self.n do gsum[i] = 0.0 end
  for r = 1, #rows do
    local row = rows[r]
    if wantgrad then
      local g, v = self.M.gradient(function (x) return self.f(x, row) end, w)
      for i = 1, self.n do gsum[i] = gsum[i] + g[i] end
      vsum = vsum + v
    else
      vsum = vsum + self.M.value(self.f(w, row))
    end
  end
  return gsum, vsum
end

function Fallback.gradient (self, w, rows)
  if self.data then return sumrows(self, w, rows, true) end
  return self.M.gradient(self.f, w)
end

function Fallback.value (self, w, rows)
  if self.data then
    local _, v = sumrows(self, w, rows, false)
    return v
  end
  return self.M.value(self.f(w))
end
Fallback.__call = Fallback.value

--- compile_n(M, f, opts): opts.n inputs, opts.data values per row, opts.exact, opts.limit,
--- opts.fallback; the caller has checked f and that opts is a table
return function (M, f, opts)
  local n = optcount(opts, "n", 0, INPUTS_MAX)
  local m = optcount(opts, "data", 0, INPUTS_MAX)
  local limit = optcount(opts, "limit", 1, 1 << 30) or LIMIT
  if n == nil then error("bad argument #2 to 'compile' (n expected with data)", 2) end
  if opts.order ~= nil then
    error("bad argument #2 to 'compile' (order applies to functions of one variable, not with n)", 2)
  end
  local xs = core.gradsyms(n, "x")
  local ds = m and core.gradsyms(m, "d")
  local ok, y
  if ds then ok, y = scoped(tracemode, TRACING, f, xs, ds) else ok, y = scoped(tracemode, TRACING, f, xs) end
  if ok and type(y) == "number" then y = core.expr_const(y)
  elseif ok and not core.isexpr(y) then
    ok, y = false, "compile: function returned a " .. typename(y) .. ", expected a number"
  end
  if not ok then
    if type(y) ~= "string" and not opts.fallback then error(y, 0) end  -- the caller's own error value
    local msg = tostring(y)
    if not msg:find("compile:", 1, true) then msg = "compile: " .. msg end
    if opts.fallback then
      return setmetatable({M = M, f = f, n = n, data = m, reason = msg, compiled = false}, Fallback)
    end
    error(msg, 2)
  end
  local G, err = core.gradprog(y, xs, ds, not opts.exact, limit)
  if not G then error(err, 2) end
  return G
end
