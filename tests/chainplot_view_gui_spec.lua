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

-- the pixels of a PNG through convert, as {w, h, data (RGB bytes)}
local function pixels (png)
  local ppm = sh(("convert '%s' ppm:-"):format(png))
  local w, h, _, at = ppm:match("^P6%s+(%d+)%s+(%d+)%s+(%d+)%s()")
  assert(w, "convert gave no PPM for " .. png)
  return {w = tonumber(w), h = tonumber(h), data = ppm:sub(at)}
end

local function rgb (img, x, y)
  local i = (y * img.w + x) * 3 + 1
  return img.data:byte(i, i + 2)
end

-- the column of the dashed cursor line (grey 120, 126, 134) inside the box, or nil
local function cursorcolumn (img, x0, y0, x1, y1)
  local count = {}
  for y = y0, y1, 3 do
    for x = x0, x1 do
      local r, g, b = rgb(img, x, y)
      if math.abs(r - 120) < 14 and math.abs(g - 126) < 14 and math.abs(b - 134) < 14 then
        count[x] = (count[x] or 0) + 1
      end
    end
  end
  local best, bx = 0, nil
  for x, n in pairs(count) do if n > best then best, bx = n, x end end
  return best >= 10 and bx or nil
end

local function darkcount (img, x0, y0, x1, y1)
  local n = 0
  for y = y0, y1 do
    for x = x0, x1 do
      local r, g, b = rgb(img, x, y)
      if r < 90 and g < 90 and b < 90 then n = n + 1 end
    end
  end
  return n
end

local function region (img, x0, y0, x1, y1)
  local t = {}
  for y = y0, y1 - 1 do
    local i = (y * img.w + x0) * 3 + 1
    t[#t + 1] = img.data:sub(i, i + (x1 - x0) * 3 - 1)
  end
  return table.concat(t)
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
    -- the screenshots' megabytes can leave Lua 5.4's generational collector in its mode for bad
    -- collections (majors only), which later specs that measure memory would feel: start it afresh
    collectgarbage("collect")
    local mode = collectgarbage("incremental")
    collectgarbage("collect")
    collectgarbage(mode)
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

  local nshots = 0
  local function shot ()
    x("key --window " .. win .. " s")
    nshots = nshots + 1
    for _ = 1, 40 do
      local paths = {}
      for line in (readfile(out) or ""):gmatch("[^\n]+") do
        if line:match("%.png$") then paths[#paths + 1] = line end
      end
      if #paths >= nshots then return pixels(paths[nshots]) end
      sleep(0.1)
    end
    error("no screenshot: " .. (readfile(out) or ""))
  end

  local function reference (args)
    local png = tmp .. "/ref.png"
    sh(("build/chainplot --output %s --size 1200x800 %s"):format(png, args))
    return pixels(png)
  end

  local function keys (...)
    for _, k in ipairs{...} do x("key --window " .. win .. " " .. k) end
    sleep(0.4)
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

  -- the h panel of a 2x2 layout at 1200x800: the lower left quarter
  local HX0, HY0, HX1, HY1 = 20, 440, 590, 690

  it("types slider values and x0, resets with r, pins, shows coordinates and snaps (17, 19, 20)", function ()
    nshots = 0
    start(("--size 1200x800 --shot-dir %s plots/neuron.lua"):format(tmp))
    x("mousemove 0 0")  -- outside the window: no coordinates shown
    sleep(0.3)
    local a = shot()
    -- 17: Tab types into the first slider (w), Enter sets it: the picture changes; r brings it back
    keys("Tab", "2", "Return")
    local b = shot()
    -- (compared here, not by assert: luassert would keep megabytes of pixels alive for later specs)
    assert.is_true(region(a, 0, 40, 1200, 700) ~= region(b, 0, 40, 1200, 700), "w = 2 changes the curves")
    keys("r")
    local c = shot()
    assert.is_true(region(a, 0, 40, 1200, 800) == region(c, 0, 40, 1200, 800), "r: the sliders and the view as they were")
    -- 19: x, then a number: the cursor at x0 = 0 exactly where --x0 0 draws it
    keys("x", "0", "Return")
    local d, ref = shot(), reference("--x0 0 plots/neuron.lua")
    local col, refcol = cursorcolumn(d, HX0, HY0, HX1, HY1), cursorcolumn(ref, HX0, HY0, HX1, HY1)
    assert.is_truthy(refcol, "the reference shows its cursor")
    -- (the window's renderer may place a line a pixel off the software one)
    assert.is_truthy(col and math.abs(col - refcol) <= 1, ("x 0 Enter puts the cursor at x = 0: column %s, %d"):format(col, refcol))
    -- pinned: the mouse over the h panel moves it no more, and its coordinates are shown there
    x("mousemove --window " .. win .. " 250 560")
    sleep(0.4)
    local e = shot()
    assert.are.equal(col, cursorcolumn(e, HX0, HY0, HX1, HY1), "a typed x0 stays pinned")
    assert.is_true(darkcount(e, 264, 574, 380, 590) > darkcount(d, 264, 574, 380, 590) + 30,
                   "the mouse's coordinates are written beside it")
    -- a click lets the cursor follow again; over the u panel the coordinates show too
    x("click --window " .. win .. " 1")
    sleep(0.3)
    x("mousemove --window " .. win .. " 800 200")
    sleep(0.4)
    local f = shot()
    assert.is_true(darkcount(f, 814, 214, 930, 230) > darkcount(d, 814, 214, 930, 230) + 30,
                   "the outer u panel shows the mouse's coordinates")
    -- 20: near h' 's peak at x = -b/w = -1/3 the cursor snaps onto it
    local peak = cursorcolumn(reference("--x0 -0.3333333333 plots/neuron.lua"), HX0, HY0, HX1, HY1)
    x("mousemove --window " .. win .. " " .. (peak + 5) .. " 560")
    sleep(0.4)
    local g = shot()
    local got = cursorcolumn(g, HX0, HY0, HX1, HY1)
    assert.is_truthy(got and math.abs(got - peak) <= 2, ("snapped onto the peak: column %s, the peak's %d"):format(got, peak))
    assert.is_true(alive(pid))
  end)
end)
