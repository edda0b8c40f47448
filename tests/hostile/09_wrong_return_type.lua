-- expect: inner returned a string, expected a number
return {
  inner = function (x) return "forty-two" end,
  outer = function (u) return u end,
}
