-- plot_spec.lua: chainrule.plot renders tables and script paths to PNG files, headless
local plot = require "chainrule.plot"
local cr = require "chainrule"

local function png_size (path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  if s:sub(1, 8) ~= "\137PNG\r\n\26\n" then return nil end
  return string.unpack(">I4", s, 17), string.unpack(">I4", s, 21), #s
end

local tmp = os.tmpname()

describe("chainrule.plot", function ()
  after_each(function () os.remove(tmp .. ".png") end)
  teardown(function () os.remove(tmp) end)

  it("renders a table of functions to a PNG, off-screen", function ()
    local out = tmp .. ".png"
    local got = plot.render{inner = function (x) return x^2 + 5 end,
                            outer = function (u) return u^3 end,
                            x = {-3, 3}, output = out, size = "640x400", x0 = 1.5}
    assert.are.equal(out, got)
    local w, h, n = png_size(out)
    assert.are.equal(640, w)
    assert.are.equal(400, h)
    assert.is_true(n > 10000)
  end)

  it("takes options as a second table and chainrule functions in the pieces", function ()
    local out = tmp .. ".png"
    assert.are.equal(out, plot.render({f = function (x) return cr.math.sin(x) * x end},
                                      {output = out, size = {500, 300}}))
    assert.are.equal(500, (png_size(out)))
  end)

  it("refuses a size or scale out of range, luaL style", function ()
    H.checkerr("bad argument #2 to 'render' (size must be 64 to 16384 pixels each way, got 10x10)",
      plot.render, {f = math.sin}, {output = tmp .. ".png", size = "10x10"})
    H.checkerr("bad argument #2 to 'render' (scale must be 0.25 to 8)",
      plot.render, {f = function (x) return x * x end}, {output = tmp .. ".png", scale = 100})
  end)

  it("renders a script path through the chainplot program", function ()
    local out = tmp .. ".png"
    assert.is_truthy(plot.render("plots/tan.lua", {output = out, size = "320x200"}))
    assert.are.equal(320, (png_size(out)))
  end)

  it("names the field of a bad table and the function", function ()
    H.checkerr("render: field 'outer' must be a function f(u) (got nil)", plot.render,
               {inner = function (x) return x end, output = tmp .. ".png"})
    H.checkerr("show: plot script needs 'inner' and 'outer' functions", plot.show, {})
    H.checkerr("bad argument #1 to 'render' (table or script path expected, got number)", plot.render, 5)
    H.checkerr("bad argument #1 to 'render' (option 'output' expected", plot.render, {f = math.abs})
    H.checkerr("bad argument #2 to 'render' (option 'size' must be \"WxH\" or {w, h}, got \"big\")", plot.render, {f = math.abs, output = "x.png", size = "big"})
  end)

  it("returns nil and the message when a piece fails while drawing", function ()
    local ok, err = plot.render{f = function (x) return math.sin(x) end, output = tmp .. ".png"}
    assert.is_nil(ok)
    assert.truthy(err:find("bad argument #1 to 'sin' (number expected, got chainrule.Dual)", 1, true), err)
  end)

  it("falls back to a PNG when show has no display", function ()
    if os.getenv("DISPLAY") or os.getenv("WAYLAND_DISPLAY") then return end
    local out = tmp .. ".png"
    assert.are.equal(out, plot.show({f = function (x) return x^3 end}, {output = out}))
    assert.is_truthy(png_size(out))
  end)
end)
