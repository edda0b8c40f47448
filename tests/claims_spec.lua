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
      assert.are.equal(-math.huge, d(H.negzero))
    end)
  end
end)

describe("plot.show of a script path without a display", function ()
  it("returns the path of the PNG chainplot rendered instead", function ()
    local root = io.popen("pwd"):read("*l")
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir " .. dir))
    local script = ("io.write(tostring(require('chainrule.plot').show(%q)))"):format(
      root .. "/plots/tan.lua")
    local cmd = ("cd %s && env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER LUA_PATH=%q " ..
      "LUA_CPATH=%q lua5.4 -e %q 2>/dev/null"):format(dir,
      root .. "/lua/?.lua;" .. root .. "/lua/?/init.lua", root .. "/build/?.so", script)
    local f = io.popen(cmd)
    local out = f:read("*a")
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

describe("the fallback of compile #cmp", function ()
  -- the same function, once branch-free (compiled) and once branching (falls back to duals);
  -- not sin: limits_spec counts the nodes of a fresh chain of sin(x)
  local function smooth (t) return t^3 + cm.cos(t) end
  local function branchy (t) if t > 100 then return 0 end return t^3 + cm.cos(t) end
  local C = cr.compile(smooth, {order = 2, exact = true})
  local F = cr.compile(branchy, {order = 2, fallback = true})

  it("is a chainrule.Compiled that says it is not compiled", function ()
    assert.is_false(F.compiled)
    assert.are.equal(2, F.order)
    assert.is_truthy(F.reason:find("branches on its input", 1, true))
    assert.are.equal("chainrule.Compiled", getmetatable(F).__name)
    assert.are.equal(0, F:size())  -- nothing is taped
  end)

  it("evaluates points, tables and arrays as the compiled one does", function ()
    assert.are.same({C:eval(0.5)}, {F:eval(0.5)})
    assert.are.same({C:eval{0.5, 2}}, {F:eval{0.5, 2}})
    local xs = cr.array{0.5, 2, -1}
    local cv = {C:eval(xs)}
    local fv = {F:eval(xs)}
    assert.are.equal(3, #fv)
    for j = 1, 3 do
      assert.are.equal("chainrule.Array", getmetatable(fv[j]).__name)
      assert.are.same(cv[j]:totable(), fv[j]:totable())
    end
    local v, d, d2 = cr.array(3), cr.array(3), cr.array(3)
    local rv, rd, rd2 = F:eval(xs, v, d, d2)
    assert.are.equal(v, rv); assert.are.equal(d, rd); assert.are.equal(d2, rd2)
    assert.are.same(cv[3]:totable(), d2:totable())
  end)

  it("samples and stands in for f as the compiled one does", function ()
    local c = {C:sample(-1, 1, 5)}
    local f = {F:sample(-1, 1, 5)}
    assert.are.equal(4, #f)
    for j = 1, 4 do assert.are.same(c[j]:totable(), f[j]:totable()) end
    assert.are.equal(C(0.5), F(0.5))
    assert.are.equal(cr.derivative(C, 0.5), cr.derivative(F, 0.5))
  end)

  it("refuses bad arguments with the compiled one's messages", function ()
    local here = debug.getinfo(1, "S").short_src
    for _, G in ipairs{C, F} do  -- each call is not a tail call, so this file is its position
      local cases = {
        {"bad argument #1 to 'eval' (number, table or array expected, got string)",
          function () local _ = G:eval("x") end},
        {"bad argument #1 to 'eval' (number expected at index 2, got string)",
          function () local _ = G:eval{1, "2"} end},
        {"bad argument #3 to 'eval' (array of 2 numbers expected, distinct from the others)",
          function () local a, b = cr.array(2), cr.array(2); local _ = G:eval(a, b, b, cr.array(2)) end},
        {"bad argument #3 to 'sample' (count must be from 1 to 1e8)",
          function () local _ = G:sample(0, 1, 0) end},
        {"bad argument #1 to compiled function (number or dual expected, got table)",
          function () local _ = G({}) end},
      }
      for _, c in ipairs(cases) do
        local ok, err = pcall(c[2])
        assert.is_false(ok)
        assert.are.equal(here .. ":", err:match("^[^:]*:"), err)
        assert.are.equal(c[1], err:gsub("^[^:]*:%d+: ", ""))
      end
    end
  end)
end)
