-- a logistic neuron: y = sigma(w*x + b); drag the sliders to change the weight and the bias
return {
  title = "neuron  y = sigma(w x + b)",
  inner = function (x, p) return p.w * x + p.b end,
  outer = function (u) return 1 / (1 + math.exp(-u)) end,
  x = {-6, 6},
  params = {                                  -- a list: the sliders keep this order
    {name = "w", value = 1.5, min = -4, max = 4, step = 0.1},
    {name = "b", value = 0.5, min = -5, max = 5, step = 0.1},
  },
  labels = {inner = "w x + b", outer = "1 / (1 + e^-u)"},
}
