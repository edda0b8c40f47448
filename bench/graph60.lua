-- graph60.lua: a 60-node graph script for the graph view's benchmark (scripts/bench_viewer.lua):
-- three inputs, four tanh units (the last without a bias), a linear output, squared loss
local m = math

local inputs = {x1 = 1, x2 = -0.5, x3 = 0.25, t = 0.5}
for j = 1, 4 do
  if j < 4 then inputs["b" .. j] = 0.1 * j end
  inputs["u" .. j] = {value = 0.3 * j - 0.6, min = -2, max = 2}
  for i = 1, 3 do inputs["w" .. i .. j] = 0.2 * i - 0.1 * j end
end

return {
  title = "a 60-node graph: 3 inputs, 4 tanh units, squared loss",
  graph = function (v)
    local x, y = {v.x1, v.x2, v.x3}, nil
    for j = 1, 4 do
      local s = v["w1" .. j] * x[1]
      for i = 2, 3 do s = s + v["w" .. i .. j] * x[i] end
      if j < 4 then s = s + v["b" .. j] end
      local h = v["u" .. j] * m.tanh(s)
      y = y and y + h or h
    end
    return (y - v.t)^2
  end,
  inputs = inputs,
}
