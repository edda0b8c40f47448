-- neuron_graph.lua: one neuron's squared loss (σ(w·x + b) − t)², its graph stepped backwards
local m = math  -- chainrule.math in a plot script: exp takes Vars too

return {
  title = "a neuron's loss (σ(w·x + b) − t)²",
  graph = function (v)
    local s = 1 / (1 + m.exp(-(v.w * v.x + v.b)))
    return (s - v.t)^2
  end,
  inputs = {
    w = {value = 0.5, min = -3, max = 3},
    b = {value = 0.1, min = -3, max = 3},
    x = 2,
    t = 1,
  },
}
