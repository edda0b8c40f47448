-- expect: 05_infinite_loop_at_load.lua:3: script ran too long
local n = 0
while true do n = n + 1 end
