-- expect: attempt to call a nil value (global 'dofile')
local env = load("return _ENV")()
local g = getmetatable("") or {}
dofile("/etc/passwd")
