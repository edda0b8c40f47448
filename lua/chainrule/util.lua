-- chainrule.util: small checks the Lua modules share for their error messages
local type, getmetatable = type, getmetatable

local M = {}

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

return M
