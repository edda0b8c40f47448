-- expect: attempt to load a binary chunk
local chunk = assert(load("\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86"))
return {f = function (x) return chunk() end}
