-- chainrule.util: small checks the Lua modules share, and modes scoped to one call
local type, getmetatable = type, getmetatable
local create, resume, yield, status = coroutine.create, coroutine.resume, coroutine.yield,
  coroutine.status
local isyieldable = coroutine.isyieldable
local pack, unpack = table.pack, table.unpack

local M = {}

-- the source prefix of chainrule's Lua files ("@.../chainrule/"), to tell the caller's frames apart
local LIBDIR = debug.getinfo(1, "S").source:match("^(@.*[/\\])util%.lua$") or "@lua/chainrule/"
local getinfo, error = debug.getinfo, error

--- where(): the stack level, seen by where's caller, of the first function outside chainrule
--- (its own Lua files and C functions are passed over), or 0 when there is none
function M.where ()
  local lv = 2
  while true do
    local ar = getinfo(lv + 1, "S")
    if ar == nil then return 0 end
    if ar.what ~= "C" and ar.source:sub(1, #LIBDIR) ~= LIBDIR then return lv end
    lv = lv + 1
  end
end

--- raise(msg): error(msg) positioned at the caller's own code, as luaL_error is from C
function M.raise (msg)
  local lv = M.where()
  error(msg, lv == 0 and 0 or lv)
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
