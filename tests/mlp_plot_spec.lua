-- mlp_plot_spec.lua: the trained network's decision, drawn through the viewer
local function run (args)
  local cmd = ("LUA_PATH=%q LUA_CPATH=%q lua5.4 scripts/mlp_plot.lua %s 2>&1")
    :format(package.path, package.cpath, args)
  local f = assert(io.popen(cmd))
  local out = f:read("*a")
  return f:close(), out
end

describe("scripts/mlp_plot.lua #noasan", function ()
  it("trains, finds where the decision flips, and renders the composition", function ()
    local png = os.tmpname() .. ".png"
    local ok, out = run("--output " .. png)
    assert.is_true(ok, out)
    assert.truthy(out:find("accuracy 100.0%", 1, true) or out:find("accuracy 9[5-9]%.%d%%"), out)
    local x, d = out:match("crosses y = 0%.25 at x = (%S+), where dP/dx = (%S+)")
    x, d = tonumber(x), tonumber(d)
    assert.is_number(x, out)
    assert.is_true(x > -1.5 and x < 2.5, out)
    -- at a crossing the probability changes: the slope is clearly nonzero
    assert.is_true(math.abs(d) > 0.1, out)
    local f = assert(io.open(png, "rb"))
    local head = f:read(8)
    f:close()
    os.remove(png)
    assert.are.equal("\137PNG\r\n\26\n", head)
  end)
  it("refuses bad options", function ()
    local ok, out = run("--epochs x")
    assert.is_falsy(ok)
    assert.truthy(out:find("mlp_plot.lua: bad option --epochs (try --help)", 1, true), out)
  end)
end)
