-- one function alone: chainplot shows f, f' and f''
return {
  title = "f(x) = x sin(x)",
  f = function (x) return x * math.sin(x) end,
  x = {-8, 8},
  labels = {f = "x sin x"},
}
