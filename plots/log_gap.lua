-- log(x^2 - 1): undefined for |x| <= 1, so every x panel has a gap there
return {
  title = "h(x) = log(x^2 - 1)",
  inner = function (x) return x^2 - 1 end,
  outer = function (u) return math.log(u) end,
  x = {-4, 4},
  labels = {inner = "x^2 - 1", outer = "log u"},
}
