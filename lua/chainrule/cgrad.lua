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

local type, error, tostring, setmetatable, getmetatable, select =
  type, error, tostring, setmetatable, getmetatable, select
local mtype, tointeger, fmt = util.mtype, util.tointeger, string.format

local LIMIT = 0x1000000      -- default bound on slots + instructions + edges of one program
local INPUTS_MAX = 0x1000000

local function optcount (opts, key, lo, hi)
  local v = opts[key]
  if v == nil then return nil end
  local iv = mtype(v) == "float" and v == math.floor(v) and tointeger(v) or v
  if mtype(iv) ~= "integer" or iv < lo or iv > hi then
    util.argerror("compile", 2, fmt("%s must be an integer from %d to %d, got %s", key,
              lo, hi, type(v) == "number" and tostring(v) or typename(v)))
  end
  return iv
end

-- when f branches, the same interface answered per call by the Var tape
local Fallback = {__name = "chainrule.Gradient"}
Fallback.__index = Fallback
function Fallback.__tostring (self) return "chainrule.Gradient (tape per call): " .. self.reason end
function Fallback.size () return 0, 0, 0 end

-- the arguments as the compiled gradient checks them (lgrad.c), so both refuse alike
local function checkargs (self, fname, nargs, w, rows)
  local want = self.data and 3 or 2
  if nargs + 1 > want then
    util.argerror(fname, want + 1, fmt("no more than %d arguments expected", want))
  end
  if type(w) ~= "table" or getmetatable(w) ~= nil then
    util.argerror(fname, 2, fmt("array of %d numbers expected, got %s", self.n,
                                nargs < 1 and "no value" or typename(w)))
  end
  if #w ~= self.n then util.argerror(fname, 2, fmt("array of %d numbers expected, got %d", self.n, #w)) end
  for i = 1, self.n do
    if type(w[i]) ~= "number" then
      util.argerror(fname, 2, fmt("array of numbers expected, got %s at index %d", typename(w[i]), i))
    end
  end
  if not self.data then return end
  if type(rows) ~= "table" or getmetatable(rows) ~= nil then
    util.argerror(fname, 3, "array of rows expected, got " .. (nargs < 2 and "no value" or typename(rows)))
  end
  for r = 1, #rows do
    local row = rows[r]
    if type(row) ~= "table" or getmetatable(row) ~= nil then
      util.argerror(fname, 3, fmt("row %d: array of %d numbers expected, got %s", r, self.data, typename(row)))
    end
    if #row ~= self.data then
      util.argerror(fname, 3, fmt("row %d: array of %d numbers expected, got %d", r, self.data, #row))
    end
    for j = 1, self.data do
      if type(row[j]) ~= "number" then
        util.argerror(fname, 3, fmt("row %d: number expected at index %d, got %s", r, j, typename(row[j])))
      end
    end
  end
end

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

function Fallback.gradient (self, ...)
  local w, rows = ...
  checkargs(self, "gradient", select("#", ...), w, rows)
  if self.data then return sumrows(self, w, rows, true) end
  return self.M.gradient(self.f, w)
end

local function value (self, fname, ...)
  local w, rows = ...
  checkargs(self, fname, select("#", ...), w, rows)
  if self.data then
    local _, v = sumrows(self, w, rows, false)
    return v
  end
  return self.M.value(self.f(w))
end

function Fallback.value (self, ...) return value(self, "value", ...) end
Fallback.__call = Fallback.value

--- compile_n(M, f, opts): opts.n inputs, opts.data values per row, opts.exact, opts.limit,
--- opts.fallback; the caller has checked f and that opts is a table
return function (M, f, opts)
  local n = optcount(opts, "n", 0, INPUTS_MAX)
  local m = optcount(opts, "data", 0, INPUTS_MAX)
  local limit = optcount(opts, "limit", 1, 0x40000000) or LIMIT
  if n == nil then util.argerror("compile", 2, "n expected with data") end
  if opts.order ~= nil then
    util.argerror("compile", 2, "order applies to functions of one variable, not with n")
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
    if msg:match("^[^\n]-:%d+: ") then error(msg, 0) end  -- it names a place in f already
    util.raise(msg)
  end
  local G, err = core.gradprog(y, xs, ds, not opts.exact, limit)
  if not G then util.raise(err) end
  return G
end
