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

describe("plot.show of a script path without a display", function ()
  it("returns the path of the PNG chainplot rendered instead", function ()
    local root = io.popen("pwd"):read("l")
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir " .. dir))
    local script = ("io.write(tostring(require('chainrule.plot').show(%q)))"):format(
      root .. "/plots/tan.lua")
    local cmd = ("cd %s && env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER LUA_PATH=%q " ..
      "LUA_CPATH=%q lua5.4 -e %q 2>/dev/null"):format(dir,
      root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua", root .. "/build/?.so", script)
    local f = io.popen(cmd)
    local out = f:read("a")
    f:close()
    local png = io.open(dir .. "/chainplot-tan.png", "rb")
    os.execute("rm -rf " .. dir)
    assert.is_truthy(png, "no PNG was written")
    assert.are.equal("\137PNG", png:read(4))
    png:close()
    assert.are.equal("/chainplot-tan.png", out:sub(-18))
    assert.are.equal(dir, out:sub(1, -19):gsub("^/private", ""))
  end)
end)

describe("compile's order", function ()
  local function f (x) return x^3 end
  it("is 0 to 8 as documented, 0 giving the value alone", function ()
    assert.are.same({8.0}, {cr.compile(f, {order = 0}):eval(2)})
    assert.are.same({8.0, 12.0}, {cr.compile(f):eval(2)})
    local r = {cr.compile(f, {order = 8}):eval(2)}
    assert.are.same({8.0, 12.0, 12.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0}, r)
    for _, bad in ipairs{-1, 9, 1.5} do
      H.checkerr("bad argument #2 to 'compile' (order must be an integer from 0 to 8, got " ..
                 tostring(bad) .. ")", cr.compile, f, {order = bad})
    end
  end)
end)
