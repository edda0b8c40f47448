-- tan(x) as f(u) = tan(u) after g(x) = x: the poles at odd multiples of pi/2 are never joined
return {
  title = "h(x) = tan(x)",
  inner = function (x) return x end,
  outer = function (u) return math.tan(u) end,
  x = {-5, 5},
  labels = {inner = "x", outer = "tan u"},
}
