-- chainplot_view_gui_spec.lua: issue 10's picture items in a real window (#gui): a minimum size,
-- sliders, hover and pin, typed x0, snapping
local function sh (cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local out = p:read("a")
  p:close()
  return out
end

local function sleep (s) os.execute("sleep " .. s) end
local function alive (pid) return os.execute("kill -0 " .. pid .. " 2>/dev/null") == true end

local function readfile (path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

describe("chainplot view #gui", function ()
  local tmp, display, xvfb, pid, out, win

  setup(function ()
    assert(sh("command -v Xvfb") ~= "" and sh("command -v xdotool") ~= "", "Xvfb and xdotool are needed")
    tmp = sh("mktemp -d"):gsub("%s+$", "")
    for n = 0, 20 do
      display = ":" .. (780 + (os.time() + n * 7) % 200)
      xvfb = sh(("Xvfb %s -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & echo $!"):format(display))
             :gsub("%s+$", "")
      sleep(0.7)
      if alive(xvfb) then break end
    end
    assert(alive(xvfb), "Xvfb did not start")
  end)

  teardown(function ()
    if pid and alive(pid) then os.execute("kill " .. pid) end
    if xvfb and alive(xvfb) then os.execute("kill " .. xvfb) end
    if tmp then os.execute("rm -rf '" .. tmp .. "'") end
  end)

  local function x (args) return sh(("DISPLAY=%s xdotool %s"):format(display, args)) end

  local function start (args)
    if pid and alive(pid) then os.execute("kill " .. pid) sleep(0.2) end
    out = tmp .. "/out.txt"
    pid = sh(("DISPLAY=%s build/chainplot %s >%s 2>&1 & echo $!"):format(display, args, out)):gsub("%s+$", "")
    for _ = 1, 50 do
      win = x("search --onlyvisible --name chainplot"):match("%d+")
      if win then sleep(0.2) return end
      sleep(0.1)
    end
    error("no chainplot window: " .. (readfile(out) or ""))
  end

  local function geometry ()
    local w, h = x("getwindowgeometry " .. win):match("Geometry: (%d+)x(%d+)")
    return tonumber(w), tonumber(h)
  end

  it("keeps a minimum window size of 640x400 (16)", function ()
    start("--size 400x300 plots/cubic.lua")
    local w, h = geometry()
    assert.are.same({640, 400}, {w, h}, "a --size below the minimum opens at the minimum")
    x("windowsize " .. win .. " 300 200")
    sleep(0.5)
    w, h = geometry()
    assert.are.same({640, 400}, {w, h}, "a resize below the minimum is put back")
    x("windowsize " .. win .. " 900 600")
    sleep(0.5)
    w, h = geometry()
    assert.are.same({900, 600}, {w, h}, "larger sizes are taken")
    assert.is_true(alive(pid))
  end)
end)
