-- claims_spec.lua: README statements issue 16 found untrue, each checked as the README now words it
local cr = require "chainrule"
local cm = cr.math

describe("sqrt' at zero", function ()
  -- the op table's rule is 0.5/y with y = sqrt(a), so the sign of zero carries through (IEEE)
  local x = cr.symbol("x")
  local paths = {
    derivative = function (a) return select(1, cr.derivative(cm.sqrt, a)) end,
    taylor = function (a) return cr.derivatives(cm.sqrt, a, 2)[2] end,
    gradient = function (a) return cr.gradient(function (v) return cm.sqrt(v[1]) end, {a})[1] end,
    symbolic = function (a) return cr.diff(cm.sqrt(x), x):eval{x = a} end,
    compiled = function (a) return select(2, cr.compile(cm.sqrt):eval(a)) end,
    exact = function (a) return select(2, cr.compile(cm.sqrt, {exact = true}):eval(a)) end,
  }
  for name, d in pairs(paths) do
    it("is inf at 0 and -inf at -0.0 by " .. name, function ()
      assert.are.equal(math.huge, d(0.0))
      assert.are.equal(-math.huge, d(-0.0))
    end)
  end
end)
