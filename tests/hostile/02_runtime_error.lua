-- expect: attempt to index a nil value (global 'nothing')
return {
  inner = function (x) return x * 2 end,
  outer = function (u) return u + nothing.here end,
}
