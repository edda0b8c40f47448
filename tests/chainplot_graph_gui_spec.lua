-- chainplot_graph_gui_spec.lua: the graph view in a real window under its own Xvfb (#gui):
-- stepping with the keyboard, clicking an input, moving a slider
local function sh (cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local out = p:read("a")
  p:close()
  return out
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

describe("chainplot graph view #gui", function ()
  local bin = "build/chainplot"
  local tmp, display, xvfb, pid, out, win

  setup(function ()
    assert(sh("command -v Xvfb") ~= "" and sh("command -v xdotool") ~= "",
           "Xvfb and xdotool are needed (scripts/install-deps)")
    tmp = sh("mktemp -d"):gsub("%s+$", "")
    for n = 0, 20 do  -- a display number nobody uses
      display = ":" .. (460 + (os.time() + n * 7) % 300)
      xvfb = sh(("Xvfb %s -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & echo $!"):format(display))
             :gsub("%s+$", "")
      sleep(0.7)
      if alive(xvfb) then break end
    end
    assert(alive(xvfb), "Xvfb did not start")
    out = tmp .. "/out.txt"
    -- --verbose prints where the boxes and sliders are
    pid = sh(("DISPLAY=%s %s --verbose --size 1200x800 --shot-dir %s plots/neuron_graph.lua >%s 2>&1 & echo $!")
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

  -- waits for the window title to contain s; returns the title
  local function title (s)
    local t
    for _ = 1, 40 do
      t = x("getwindowname " .. win)
      if t:find(s, 1, true) then return t end
      sleep(0.1)
    end
    return t
  end

  local function shot ()
    local before = select(2, (readfile(out) or ""):gsub("%.png\n", ""))
    x("key --window " .. win .. " s")
    for _ = 1, 30 do
      local paths = {}
      for line in (readfile(out) or ""):gmatch("[^\n]+") do
        if line:match("%.png$") then paths[#paths + 1] = line end
      end
      if #paths > before then return assert(readfile(paths[#paths])) end
      sleep(0.1)
    end
    error("no screenshot: " .. (readfile(out) or ""))
  end

  it("steps the backward pass with the keyboard, shows an input's paths and follows a slider", function ()
    for _ = 1, 50 do
      win = x("search --onlyvisible --name chainplot"):match("%d+")
      if win then break end
      sleep(0.1)
    end
    assert.is_truthy(win, "no chainplot window appeared: " .. (readfile(out) or ""))
    local t = title("backward step 0 of 15")
    assert.truthy(t:find("backward step 0 of 15", 1, true), t)
    local s0 = shot()
    for _ = 1, 3 do x("key --window " .. win .. " space") end
    t = title("step 3 of 15")
    assert.truthy(t:find("backward step 3 of 15", 1, true), t)
    x("key --window " .. win .. " Right")
    assert.truthy(title("step 4 of 15"):find("step 4 of 15", 1, true))
    x("key --window " .. win .. " Left")
    x("key --window " .. win .. " Left")
    assert.truthy(title("step 2 of 15"):find("step 2 of 15", 1, true))
    local s2 = shot()
    assert.are_not.equal(s0, s2)
    x("key --window " .. win .. " 0")
    assert.truthy(title("step 0 of 15"):find("step 0 of 15", 1, true))
    assert.are.equal(s0, shot())  -- back at step 0: the same picture
    x("key --window " .. win .. " b")
    assert.truthy(title("step 15 of 15"):find("step 15 of 15", 1, true))
    local sall = shot()
    -- the slider for w: dragged to the right, values and adjoints change
    local log = readfile(out)
    local sx, sy, sw = log:match("chainplot: slider w (%d+) (%d+) (%d+)")
    assert.truthy(sx, log)
    sx, sy, sw = tonumber(sx), tonumber(sy), tonumber(sw)
    x(("mousemove --window %s %d %d mousedown 1"):format(win, sx + sw // 2, sy))
    sleep(0.1)
    x(("mousemove --window %s %d %d"):format(win, sx + sw - 5, sy))
    sleep(0.1)
    x("mouseup 1")
    sleep(0.3)
    local slid = shot()
    assert.are_not.equal(sall, slid)
    assert.truthy(title("step 15 of 15"):find("step 15 of 15", 1, true), "the step stays when a slider moves")
    -- a click on the input w: its paths to L
    local bx, by, bw, bh = log:match("chainplot: graph box w (%d+) (%d+) (%d+) (%d+)")
    assert.truthy(bx, log)
    x(("mousemove --window %s %d %d click 1"):format(win, bx + bw // 2, by + bh // 2))
    t = title("paths from w to L")
    assert.truthy(t:find("paths from w to L", 1, true), t)
    assert.are_not.equal(slid, shot())
    x(("mousemove --window %s %d %d click 1"):format(win, bx + bw // 2, by + bh // 2))
    t = title("step 15 of 15")
    for _ = 1, 20 do
      t = x("getwindowname " .. win)
      if not t:find("paths from", 1, true) then break end
      sleep(0.1)
    end
    assert.falsy(t:find("paths from", 1, true), "a second click clears the paths: " .. t)
    x("key --window " .. win .. " h")
    sleep(0.2)
    assert.is_true(alive(pid), "chainplot is still running")
    x("key --window " .. win .. " q")
    for _ = 1, 30 do
      if not alive(pid) then break end
      sleep(0.1)
    end
    assert.is_false(alive(pid), "q quits")
  end)
end)
