-- chainplot_gui_spec.lua: a real window under its own Xvfb, driven by xdotool (#gui)
local function sh (cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local out = p:read("a")
  p:close()
  return out
end

local function have (prog)
  return sh("command -v " .. prog) ~= ""
end

local function sleep (s) os.execute("sleep " .. s) end

local function alive (pid)
  return os.execute("kill -0 " .. pid .. " 2>/dev/null") == true
end

local function readfile (path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

describe("chainplot window #gui", function ()
  local bin = "build/chainplot"
  local tmp, display, xvfb, pid, out

  setup(function ()
    assert(have("Xvfb") and have("xdotool"), "Xvfb and xdotool are needed (scripts/install-deps)")
    tmp = sh("mktemp -d"):gsub("%s+$", "")
    -- a display number nobody uses: Xvfb fails when it is taken, so try a few
    for n = 0, 20 do
      display = ":" .. (140 + (os.time() + n * 7) % 300)
      xvfb = sh(("Xvfb %s -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & echo $!"):format(display))
             :gsub("%s+$", "")
      sleep(0.7)
      if alive(xvfb) then break end
    end
    assert(alive(xvfb), "Xvfb did not start")
    out = tmp .. "/out.txt"
    pid = sh(("DISPLAY=%s %s --size 1200x800 --shot-dir %s plots/cubic.lua >%s 2>&1 & echo $!")
      :format(display, bin, tmp, out)):gsub("%s+$", "")
  end)

  teardown(function ()
    if pid and alive(pid) then os.execute("kill " .. pid) end
    if xvfb and alive(xvfb) then os.execute("kill " .. xvfb) end
    if tmp then os.execute("rm -rf '" .. tmp .. "'") end
  end)

  local function x (args)
    return sh(("DISPLAY=%s xdotool %s"):format(display, args))
  end

  it("opens a window, follows the mouse, zooms, switches script and saves a screenshot", function ()
    local win
    for _ = 1, 50 do
      win = x("search --onlyvisible --name chainplot"):match("%d+")
      if win then break end
      sleep(0.1)
    end
    assert.is_truthy(win, "no chainplot window appeared: " .. (readfile(out) or ""))
    x("mousemove --window " .. win .. " 300 250")
    sleep(0.2)
    x("click --window " .. win .. " 4")        -- wheel up: zoom in at the mouse
    x("click --window " .. win .. " 4")
    sleep(0.2)
    x("key --window " .. win .. " s")          -- screenshot of cubic.lua
    sleep(0.5)
    x("key --window " .. win .. " n")          -- next script: exp3x.lua
    sleep(0.3)
    x("key --window " .. win .. " s")
    local shots
    for _ = 1, 30 do
      shots = {}
      for line in (readfile(out) or ""):gmatch("[^\n]+") do
        if line:match("%.png$") then shots[#shots + 1] = line end
      end
      if #shots >= 2 then break end
      sleep(0.1)
    end
    assert.are.equal(2, #shots, "two screenshot paths printed: " .. (readfile(out) or ""))
    assert.truthy(shots[1]:match("chainplot%-cubic%-%d+%.png$"), shots[1])
    assert.truthy(shots[2]:match("chainplot%-exp3x%-%d+%.png$"), shots[2])
    for _, path in ipairs(shots) do
      local png = readfile(path)
      assert.is_truthy(png, path)
      assert.are.equal("\137PNG\r\n\26\n", png:sub(1, 8))
      -- IHDR: the window's output size
      local w = string.unpack(">I4", png, 17)
      local h = string.unpack(">I4", png, 21)
      assert.are.equal(1200, w)
      assert.are.equal(800, h)
      assert.is_true(#png > 20000, "a real picture, not an empty one")
    end
    assert.is_true(alive(pid), "chainplot is still running")
    -- still responsive: help overlay, then quit with q
    x("key --window " .. win .. " h")
    sleep(0.2)
    assert.is_true(alive(pid))
    x("key --window " .. win .. " q")
    for _ = 1, 30 do
      if not alive(pid) then break end
      sleep(0.1)
    end
    assert.is_false(alive(pid), "q quits")
  end)
end)
