-- mlp_plot.lua: trains the half-moon MLP, then shows its decision along a line through the viewer
-- Run: lua5.4 scripts/mlp_plot.lua [--output FILE.png] [--epochs N] [--y Y]
-- The composition shown is P(x) = sigmoid(s(x, Y)): the inner piece is the network's score s
-- along the line y = Y, the outer piece the sigmoid, and h' is how fast the decision changes.
local cr = require "chainrule"
local m = cr.math

local opts = {epochs = 60, y = 0.25}
do
  local i = 1
  while arg and arg[i] do
    local a, v = arg[i], arg[i + 1]
    if a == "--output" and v then opts.output = v
    elseif (a == "--epochs" or a == "--y") and tonumber(v) then opts[a:sub(3)] = tonumber(v)
    elseif a == "--help" or a == "-h" then
      print("usage: lua5.4 scripts/mlp_plot.lua [--output FILE.png] [--epochs N] [--y Y]")
      os.exit(0)
    else
      io.stderr:write(("mlp_plot.lua: bad option %s (try --help)\n"):format(a))
      os.exit(2)
    end
    i = i + 2
  end
end

-- the training script is a module too; find it next to this file
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local mlp = dofile(here .. "/mlp.lua")
local res = mlp.train{epochs = opts.epochs, quiet = true}
print(("trained for %d epochs: loss %.4f, accuracy %.1f%%"):format(
  opts.epochs, res.loss, 100 * res.accuracy))

-- the trained network, evaluated without recording (its params stay Vars)
local net, Y = res.net, opts.y
local function score (x) return cr.no_grad(net, {x, Y}) end

-- where the decision flips along the line: P = 1/2, by bisection on the score's sign
local a, b = -1.5, 2.5
local sa = cr.value(score(a))
for _ = 1, 60 do
  local mid = (a + b) / 2
  local sm = cr.value(score(mid))
  if (sm > 0) == (sa > 0) then a, sa = mid, sm else b = mid end
end
local x0 = (a + b) / 2
local slope = cr.derivative(function (x) return m.sigmoid(score(x)) end, x0)
print(("the decision boundary crosses y = %g at x = %.4f, where dP/dx = %.4f"):format(Y, x0, slope))

local spec = {
  title = ("MLP decision along y = %g:  P(x) = sigmoid(s(x, %g))"):format(Y, Y),
  inner = score,
  outer = m.sigmoid,
  labels = {inner = "s(x, y), the network's score", outer = "sigmoid(u), the probability"},
  x = {-1.5, 2.5},
}
local plot = require "chainrule.plot"
if opts.output then
  local path, err = plot.render(spec, {output = opts.output, x0 = x0})
  if not path then io.stderr:write("mlp_plot.lua: ", err, "\n"); os.exit(1) end
  print(path)
else
  plot.show(spec, {x0 = x0})
end
