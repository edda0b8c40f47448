-- tiny_net.lua: two inputs, two hidden tanh units, one output, squared loss, stepped backwards
local m = math  -- chainrule.math in a plot script: tanh takes Vars too

return {
  title = "a tiny net: L = (w5·tanh(w1·x1 + w2·x2) + w6·tanh(w3·x1 + w4·x2) − t)²",
  graph = function (v)
    local h1 = m.tanh(v.w1 * v.x1 + v.w2 * v.x2)
    local h2 = m.tanh(v.w3 * v.x1 + v.w4 * v.x2)
    local y = v.w5 * h1 + v.w6 * h2
    return (y - v.t)^2
  end,
  inputs = {
    x1 = 1, x2 = -0.5, t = 0.5,
    w1 = {value = 0.8, min = -2, max = 2},
    w2 = {value = -0.4, min = -2, max = 2},
    w3 = {value = 0.3, min = -2, max = 2},
    w4 = {value = 0.9, min = -2, max = 2},
    w5 = {value = 1.2, min = -2, max = 2},
    w6 = {value = -0.7, min = -2, max = 2},
  },
}
