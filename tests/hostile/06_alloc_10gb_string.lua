-- expect: script ran out of memory
-- 10 GB in strings (string.rep alone refuses more than 2 GB per string)
local parts = {}
for i = 1, 10 do parts[i] = string.rep("x", 1 << 30) end
return {f = function (x) return #parts + x end}
