-- sin(x^2): the outer slope cos(u) oscillates faster and faster as u = x^2 grows
return {
  title = "h(x) = sin(x^2)",
  inner = function (x) return x * x end,
  outer = function (u) return math.sin(u) end,
  x = {-3.5, 3.5},
  labels = {inner = "x^2", outer = "sin u"},
}
