-- expect: 04_infinite_loop.lua:4: script ran too long
return {
  inner = function (x) return x end,
  outer = function (u) while true do end end,
}
