-- e^(3x) as f(u) = e^u after g(x) = 3x; h'(x) = e^(3x) * 3
return {
  title = "h(x) = e^(3x)",
  inner = function (x) return 3 * x end,
  outer = function (u) return math.exp(u) end,   -- math is chainrule.math in plot scripts
  x = {-1.5, 1},
  labels = {inner = "3x", outer = "e^u"},
}
