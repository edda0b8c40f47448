-- expect: unexpected symbol near 'end'
return {
  f = function (x) return x + end,
}
