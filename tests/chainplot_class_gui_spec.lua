-- chainplot_class_gui_spec.lua: issue 10 in a real window (#gui): --scale and +/-, Esc, screenshots
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

-- the pixels of a PNG through ImageMagick's convert, as {w, h, data (RGB bytes)}
local function pixels (png)
  local ppm = sh(("convert '%s' ppm:-"):format(png))
  local w, h, maxv, at = ppm:match("^P6%s+(%d+)%s+(%d+)%s+(%d+)%s()")
  assert(w, "convert gave no PPM for " .. png)
  return {w = tonumber(w), h = tonumber(h), data = ppm:sub(at)}
end

local function rgb (img, x, y)
  local i = (y * img.w + x) * 3 + 1
  return img.data:byte(i, i + 2)
end

local function region (img, x0, y0, x1, y1)
  local t = {}
  for y = y0, y1 - 1 do
    local i = (y * img.w + x0) * 3 + 1
    t[#t + 1] = img.data:sub(i, i + (x1 - x0) * 3 - 1)
  end
  return table.concat(t)
end

describe("chainplot in class #gui", function ()
  local tmp, display, xvfb, pid, out, win

  setup(function ()
    assert(sh("command -v Xvfb") ~= "" and sh("command -v xdotool") ~= "", "Xvfb and xdotool are needed")
    assert(sh("command -v convert") ~= "", "ImageMagick's convert is needed to read the screenshots")
    tmp = sh("mktemp -d"):gsub("%s+$", "")
    for n = 0, 20 do
      display = ":" .. (460 + (os.time() + n * 7) % 300)
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
    out = tmp .. "/out.txt"
    pid = sh(("DISPLAY=%s build/chainplot --size 1200x800 %s >%s 2>&1 & echo $!"):format(display, args, out))
          :gsub("%s+$", "")
    for _ = 1, 50 do
      win = x("search --onlyvisible --name chainplot"):match("%d+")
      if win then return end
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

  it("honours --scale and +/-, closes help on Esc, screenshots without the last save notice", function ()
    start(("--scale 2 --shot-dir %s plots/cubic.lua"):format(tmp))
    local a = shot()
    -- at scale 2 the header is 60 px high: (10, 45) is still the page, not a panel
    local r, g, b = rgb(a, 10, 45)
    assert.are.same({241, 243, 246}, {r, g, b})
    local b2 = shot()
    assert.are.equal(region(a, 700, 0, 1200, 60), region(b2, 700, 0, 1200, 60),
                     "the second screenshot's header is the first's: no 'saved ...' notice in it")
    for _ = 1, 5 do x("key --window " .. win .. " minus") end
    sleep(0.3)
    local c = shot()
    r, g, b = rgb(c, 10, 45)  -- scale 2 / 1.15^5, about 1: the panel starts at y = 30
    assert.are.same({255, 255, 255}, {r, g, b})
    x("key --window " .. win .. " h")
    sleep(0.2)
    x("key --window " .. win .. " Escape")
    sleep(0.3)
    assert.is_true(alive(pid), "Esc with the help open does not quit")
    local d = shot()
    r, g, b = rgb(d, 600, 400)
    assert.is_true(r > 120 or g > 120 or b > 120, "the help overlay is closed")
    x("key --window " .. win .. " Escape")
    for _ = 1, 30 do
      if not alive(pid) then break end
      sleep(0.1)
    end
    assert.is_false(alive(pid), "Esc without the help quits")
  end)

  it("reports a failed screenshot and keeps running", function ()
    nshots = 0
    start("--shot-dir /nonexistent/dir plots/cubic.lua")
    x("key --window " .. win .. " s")
    local said
    for _ = 1, 30 do
      said = readfile(out) or ""
      if said:find("screenshot failed", 1, true) then break end
      sleep(0.1)
    end
    assert.truthy(said:find("screenshot failed: /nonexistent/dir/chainplot-cubic-1.png", 1, true), said)
    assert.is_true(alive(pid))
    os.execute("kill " .. pid)
  end)
end)
