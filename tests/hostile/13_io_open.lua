-- expect: attempt to index a nil value (global 'io')
local f = io.open("/etc/passwd")
return {f = function (x) return x end, title = f:read("a")}
