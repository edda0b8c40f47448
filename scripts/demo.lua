-- demo.lua: the chain rule on the source's two worked examples, computed by chainrule
local cr = require "chainrule"
local math = cr.math

local function show (title, h, closed, points)
  print(title)
  for _, x in ipairs(points) do
    local d, v = cr.derivative(h, x)
    print(("  x = %-5g h(x) = %-14.10g h'(x) = %-16.10g closed form: %.10g"):format(
      x, v, d, closed(x)))
  end
end

show("h(x) = (x^2 + 5)^3,  h'(x) = 6x(x^2 + 5)^2",
  function (x) return (x^2 + 5)^3 end,
  function (x) return 6*x*(x^2 + 5)^2 end, {-1, 0, 1.5, 2})

show("h(x) = e^(3x),  h'(x) = 3e^(3x)",
  function (x) return math.exp(3*x) end,
  function (x) return 3*math.exp(3*x) end, {-1, 0, 0.5, 1})

-- one dual number carries the value and the derivative through every step
local x = cr.dual(2)
local u = x^2 + 5
print(("\nat x = 2:  u = x^2 + 5 = %s,  y = u^3 = %s"):format(tostring(u), tostring(u^3)))
print(("  du/dx = %g,  dy/du = 3u^2 = %g,  dy/dx = dy/du * du/dx = %g"):format(
  u.deriv, 3*u.value^2, (u^3).deriv))

print("\nhigher orders of (x^2 + 5)^3 at x = 1:")
for k, v in ipairs(cr.derivatives(function (t) return (t^2 + 5)^3 end, 1, 6)) do
  print(("  order %d: %g"):format(k - 1, v))
end
