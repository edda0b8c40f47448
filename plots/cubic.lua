-- (x^2 + 5)^3: the first worked example; h'(x) = 3(x^2 + 5)^2 * 2x = 6x(x^2 + 5)^2
return {
  title = "h(x) = (x^2 + 5)^3",
  inner = function (x) return x^2 + 5 end,   -- u = g(x)
  outer = function (u) return u^3 end,       -- y = f(u)
  x = {-3, 3},
  labels = {inner = "x^2 + 5", outer = "u^3"},
}
