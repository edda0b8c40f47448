-- chainplot_formula_gui_spec.lua: the formula bar in a real window under its own Xvfb, typed with xdotool (#gui)
local function sh (cmd)
  local p = io.popen(cmd .. " 2>/dev/null")
  local out = p:read("a")
  p:close()
  return out
end

local function have (prog) return sh("command -v " .. prog) ~= "" end
local function sleep (s) os.execute("sleep " .. s) end
local function alive (pid) return os.execute("kill -0 " .. pid .. " 2>/dev/null") == true end

local function readfile (path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

describe("chainplot formula bar #gui", function ()
  local bin = "build/chainplot"
  local tmp, display, xvfb, pid, out, win

  setup(function ()
    assert(have("Xvfb") and have("xdotool"), "Xvfb and xdotool are needed (scripts/install-deps)")
    tmp = sh("mktemp -d"):gsub("%s+$", "")
    for n = 0, 20 do  -- a display nobody uses: Xvfb fails when it is taken
      display = ":" .. (460 + (os.time() + n * 7) % 300)
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

  -- keys go through XTEST to the focused window, so ctrl+a and ctrl+s reach SDL as a person's would
  local function x (args) return sh(("DISPLAY=%s xdotool %s"):format(display, args)) end
  local function title () return (x("getwindowname " .. win):gsub("%s+$", "")) end

  -- the title once it is want (the window retitles on its next frame), or the last one seen
  local function titled (want)
    local t
    for _ = 1, 40 do
      t = title()
      if t == want then break end
      sleep(0.05)
    end
    return t
  end

  local function printed (pattern, n)
    local found
    for _ = 1, 40 do
      found = {}
      for line in (readfile(out) or ""):gmatch("[^\n]+") do
        if line:match(pattern) then found[#found + 1] = line end
      end
      if #found >= n then break end
      sleep(0.05)
    end
    return found
  end

  it("types a formula, applies it, moves the split with [ and ], and keeps the last good plot", function ()
    for _ = 1, 50 do
      win = x("search --onlyvisible --name chainplot"):match("%d+")
      if win then break end
      sleep(0.1)
    end
    assert.is_truthy(win, "no chainplot window appeared: " .. (readfile(out) or ""))
    x("windowfocus --sync " .. win)
    assert.are.equal("chainplot: cubic.lua: h(x) = (x^2 + 5)^3", titled("chainplot: cubic.lua: h(x) = (x^2 + 5)^3"))

    x("key e")
    sleep(0.2)
    x("type --delay 20 'sqrt(1 + sin(x)^2)'")
    x("key Return")
    local t = "chainplot: h(x) = sqrt(1 + sin(x)\u{b2}) = f(g(x)), split 1 of 3"
    assert.are.equal(t, titled(t))

    x("key bracketleft")  -- [ goes one link deeper
    t = "chainplot: h(x) = sqrt(1 + sin(x)\u{b2}) = f(g(x)), split 2 of 3"
    assert.are.equal(t, titled(t))
    x("key bracketright")  -- ] back
    t = "chainplot: h(x) = sqrt(1 + sin(x)\u{b2}) = f(g(x)), split 1 of 3"
    assert.are.equal(t, titled(t))

    -- a mistake: the bar stays open with the error and the plot stays; ctrl+s shoots it all
    x("key e")
    sleep(0.2)
    x("key End")
    x("type --delay 20 ' +* 2'")
    x("key Return")
    sleep(0.3)
    assert.are.equal(t, title())
    x("key ctrl+s")
    local shots = printed("%.png$", 1)
    assert.are.equal(1, #shots, "a screenshot path printed: " .. (readfile(out) or ""))
    assert.truthy(shots[1]:match("chainplot%-formula%-1%.png$"), shots[1])
    local png = readfile(shots[1])
    assert.are.equal("\137PNG\r\n\26\n", png:sub(1, 8))
    assert.are.equal(1200, string.unpack(">I4", png, 17))
    assert.are.equal(800, string.unpack(">I4", png, 21))
    assert.is_true(#png > 20000, "a real picture")

    -- select all and type over it; a product opens alone, with the reason as the title
    x("key ctrl+a")
    x("type --delay 20 'x*sin(x)'")
    x("key Return")
    t = "chainplot: h(x) = x\u{b7}sin(x) is a product of two functions of x, not a composition f(g(x))"
    assert.are.equal(t, titled(t))

    -- history: up brings the last good formula back; Esc cancels, Enter applies
    x("key e")
    sleep(0.2)
    x("key Up Up Escape")
    sleep(0.2)
    assert.are.equal(t, title(), "Esc changes nothing")
    x("key e")
    sleep(0.2)
    x("key Up Up Return")
    t = "chainplot: h(x) = sqrt(1 + sin(x)\u{b2}) = f(g(x)), split 1 of 3"
    assert.are.equal(t, titled(t))

    -- w keeps the view as a plot script next to the screenshots
    x("key bracketleft w")
    local lua = printed("%.lua$", 1)
    assert.are.equal(1, #lua, "a script path printed: " .. (readfile(out) or ""))
    assert.are.equal(tmp .. "/chainplot-formula-1.lua", lua[1])
    local src = readfile(lua[1])
    assert.truthy(src:find('formula = "sqrt(1 + sin(x)^2)",\n  split = 2,\n  x = {-5, 5},', 1, true), src)

    assert.is_true(alive(pid), "chainplot is still running")
    x("key q")
    for _ = 1, 30 do
      if not alive(pid) then break end
      sleep(0.1)
    end
    assert.is_false(alive(pid), "q quits once the bar is closed")
  end)
end)
