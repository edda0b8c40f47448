-- expect: stack overflow
local function down (x, n) return 1 + down(x, n + 1) end
return {f = function (x) return down(x, 0) end}
