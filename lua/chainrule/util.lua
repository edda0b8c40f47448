-- chainrule.util: small checks the Lua modules share, and modes scoped to one call
local type, getmetatable, pairs, tostring = type, getmetatable, pairs, tostring
local create, resume, yield, status = coroutine.create, coroutine.resume, coroutine.yield,
  coroutine.status
local M = {}

-- Lua 5.3's integers and 5.2's table functions, on 5.1, 5.2 and LuaJIT too: with no integer
-- subtype, an integer is a number with an integral value
local floor = math.floor
M.mtype = math.type or function (v)
  if type(v) ~= "number" then return nil end
  return (v == floor(v) and v >= -2^63 and v < 2^63) and "integer" or "float"
end
M.tointeger = math.tointeger or function (v)
  if M.mtype(v) == "integer" then return v end
end
M.pack = table.pack or function (...) return {n = select("#", ...), ...} end
M.unpack = table.unpack or unpack
-- 5.1 and LuaJIT: any coroutine but the main thread (5.2 says which one that is)
local isyieldable = coroutine.isyieldable or function ()
  local co, main = coroutine.running()
  return co ~= nil and not main
end
local pack, unpack = M.pack, M.unpack

-- the source prefix of chainrule's Lua files ("@.../chainrule/"), to tell the caller's frames apart
local LIBDIR = debug.getinfo(1, "S").source:match("^(@.*[/\\])util%.lua$") or "@lua/chainrule/"
local getinfo, error = debug.getinfo, error

--- where(): the stack level, seen by where's caller, of the first function outside chainrule's
--- Lua files, or 0 when there is none.  A C function there (pcall, say) gives no position, as
--- luaL_error gives none for pcall(string.rep).
function M.where ()
  local lv = 2
  while true do
    local ar = getinfo(lv + 1, "S")
    if ar == nil then return 0 end
    -- (Lua 5.1 shows a tail call as a frame of its own, with no position: not the caller's)
    if ar.what ~= "tail" and ar.source:sub(1, #LIBDIR) ~= LIBDIR then return lv end
    lv = lv + 1
  end
end

--- raise(msg): error(msg) positioned at the caller's own code, as luaL_error is from C
function M.raise (msg)
  local lv = M.where()
  error(msg, lv == 0 and 0 or lv)
end

-- the message without its position, when that position is in one of chainrule's Lua files
local function libmsg (err)
  local file, rest = err:match("^([^\n]-):%d+: (.*)$")
  if file and file:match("chainrule[/\\][%w_]+%.lua$") then return rest end
end

--- reraise(err [, from, to]): an error a C function raised when chainrule's Lua called it, so
--- positioned in chainrule (or nowhere): raised again at the caller's own code, with from
--- replaced by to; an error positioned in the caller's code, or not a string, goes on as is
function M.reraise (err, from, to)
  if type(err) ~= "string" then error(err, 0) end
  local msg = libmsg(err)
  if msg == nil and err:match("^[^\n]-:%d+: ") then error(err, 0) end
  msg = msg or err
  if from then msg = msg:gsub(from, to, 1) end
  M.raise(msg)
end

--- relay(err, from, to): as reraise, but only for chainrule's own errors: positioned in its
--- files, or (when a C function was called through pcall, so unpositioned) starting with from;
--- the caller's f ran, and its own errors go on as they are
function M.relay (err, from, to)
  if type(err) == "string" and (libmsg(err) or err:match(from)) then M.reraise(err, from, to) end
  error(err, 0)
end

--- argerror(fname, i, msg): "bad argument #i to 'fname' (msg)" at the caller's own code
function M.argerror (fname, i, msg)
  M.raise(("bad argument #%d to '%s' (%s)"):format(i, fname, msg))
end

-- what an option's value may be: a Lua type, or "file" (something with a write method)
local function fits (want, v)
  if want == "any" then return true end
  if want == "file" then
    local mt = getmetatable(v)
    local idx = type(mt) == "table" and mt.__index
    return type(v) == "table" and type(v.write) == "function" or
           (type(v) == "userdata" and (type(idx) == "table" and type(idx.write) == "function"))
  end
  if want == "integer" then return type(v) == "number" and v == floor(v) end
  return type(v) == want
end

--- checkopts(fname, i, opts, spec): opts (argument i) nil or a table whose keys are all in spec
--- (key -> "number", "boolean", "string", "table", "integer", "file", or "any" for the caller
--- to check); returns opts or {}
function M.checkopts (fname, i, opts, spec)
  if opts == nil then return {} end
  if type(opts) ~= "table" or getmetatable(opts) ~= nil then
    M.argerror(fname, i, "options table expected, got " .. M.typename(opts))
  end
  for k, v in pairs(opts) do
    local want = spec[k]
    if want == nil then M.argerror(fname, i, ("unknown option '%s'"):format(tostring(k))) end
    if not fits(want, v) then
      M.argerror(fname, i, ("option '%s' must be %s %s, got %s"):format(k,
        want == "integer" and "an" or "a", want, M.typename(v)))
    end
  end
  return opts
end

--- typename(v): the __name of v's metatable when it has one (as luaL_typeerror says it), else type(v)
function M.typename (v)
  local mt = getmetatable(v)
  return (type(mt) == "table" and type(mt.__name) == "string" and mt.__name) or type(v)
end

--- callable(f): a function, or a value whose metatable has __call
function M.callable (f)
  if type(f) == "function" then return true end
  local mt = getmetatable(f)
  return type(mt) == "table" and mt.__call ~= nil
end

-- the rest of scoped's run, after each resume: f failed, returned, or yielded
local function settle (co, set, mode, old, ok, ...)
  set(old)
  if not ok or status(co) == "dead" then return ok, ... end
  if not isyieldable() then return false, "attempt to yield from outside a coroutine" end
  -- pass the yield out with the mode off, and take the resume back in with it on
  local back = pack(yield(...))
  old = set(mode)
  return settle(co, set, mode, old, resume(co, unpack(back, 1, back.n)))
end

local function restore (set, old, ...)
  set(old)
  return ...
end

--- scoped(set, mode, f, ...): as pcall(f, ...), with the mode set only while f itself runs.
-- set(m) installs mode m and returns the one it replaced.  f runs in a coroutine of its own,
-- so when f yields the mode is put back before the yield leaves, and set again on resume: a
-- call abandoned while suspended, or failing, leaves no mode behind.  Outside any coroutine
-- (the main thread) f cannot be suspended, and a plain pcall does.
function M.scoped (set, mode, f, ...)
  if not isyieldable() then  -- nothing can suspend f here (a yield fails): pcall is enough
    local old = set(mode)
    return restore(set, old, pcall(f, ...))
  end
  if type(f) ~= "function" then
    local g = f
    f = function (...) return g(...) end
  end
  local co = create(f)
  local old = set(mode)
  return settle(co, set, mode, old, resume(co, ...))
end

return M
