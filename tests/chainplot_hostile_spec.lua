-- chainplot_hostile_spec.lua: every script of tests/hostile/ in one chainplot window, stepped with n (#gui)
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

local function now ()  -- wall clock seconds, to the millisecond
  return tonumber(sh("date +%s.%N")) or os.time()
end

local function alive (pid)
  return os.execute("kill -0 " .. pid .. " 2>/dev/null") == true
end

local function readfile (path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local s = f:read("a")
  f:close()
  return s
end

-- CPU seconds the process has used: the budget bounds this, whereas wall time grows with the machine's load
local function cputime (pid)
  local stat = readfile("/proc/" .. pid .. "/stat")
  local utime, stime = stat:match("^%d+ %b() %S+" .. (" %S+"):rep(10) .. " (%d+) (%d+)")
  return (tonumber(utime) + tonumber(stime)) / tonumber(sh("getconf CLK_TCK"))
end

-- polls f every 50 ms until it returns a truthy value or limit seconds pass
local function poll (limit, f)
  local t0 = now()
  repeat
    local v = f()
    if v then return v, now() - t0 end
    sleep(0.05)
  until now() - t0 > limit
  return nil, now() - t0
end

-- names, sizes and times of a directory's files, to see that nothing was created or removed
local function listing (dir)
  return sh(("ls -lA --time-style=full-iso '%s' | tail -n +2 | awk '{print $5, $6, $7, $9}' | sort"):format(dir))
end

describe("chainplot with hostile scripts #gui", function ()
  local bin = "build/chainplot"
  local hostile = sh("pwd"):gsub("%s+$", "") .. "/tests/hostile"
  local tmp, work, display, xvfb, pid, out, err

  setup(function ()
    assert(have("Xvfb") and have("xdotool"), "Xvfb and xdotool are needed (scripts/install-deps)")
    tmp = sh("mktemp -d"):gsub("%s+$", "")
    work = tmp .. "/work"  -- chainplot's working directory: the scripts aim at files here
    os.execute("mkdir -p '" .. work .. "'")
    local f = assert(io.open(work .. "/victim.txt", "w"))
    f:write("a script tries to remove me\n")
    f:close()
    for n = 0, 20 do
      display = ":" .. (460 + (os.time() + n * 11) % 300)
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

  local function x (args)
    return sh(("DISPLAY=%s xdotool %s"):format(display, args))
  end

  it("shows each script's error, answers keys within 1 s and touches no file", function ()
    local scripts = {}
    for name in sh("ls '" .. hostile .. "'"):gmatch("[^\n]+") do
      if name:match("%.lua$") then
        local expect = readfile(hostile .. "/" .. name):match("^%-%- expect: ([^\n]+)")
        assert.is_truthy(expect, name .. " says what it expects on its first line")
        scripts[#scripts + 1] = {name = name, expect = expect}
      end
    end
    assert.is_true(#scripts >= 15, "the hostile scripts are there")
    local before, beforehostile = listing(work), listing(hostile)
    out, err = tmp .. "/out.txt", tmp .. "/err.txt"
    pid = sh(("cd '%s' && DISPLAY=%s exec '%s/%s' --size 1000x700 --shot-dir '%s' '%s/%s' >'%s' 2>'%s' & echo $!")
      :format(work, display, sh("pwd"):gsub("%s+$", ""), bin, tmp, hostile, scripts[1].name, out, err))
      :gsub("%s+$", "")
    local win = poll(15, function () return x("search --onlyvisible --name chainplot"):match("%d+") end)
    assert.is_truthy(win, "no chainplot window appeared: " .. readfile(err))
    local seen, shots = 0, 0
    for i, s in ipairs(scripts) do
      if i > 1 then
        local t0, c0 = now(), cputime(pid)
        x("key --window " .. win .. " n")
        local named = poll(15, function () return x("getwindowname " .. win):find(s.name, 1, true) end)
        local took, cpu = now() - t0, cputime(pid) - c0
        assert.is_truthy(named, s.name .. ": the title names the script: " .. x("getwindowname " .. win))
        if os.getenv("HOSTILE_TIMES") then io.stderr:write(("%s %.3f %.3f\n"):format(s.name, took, cpu)) end
        assert.is_true(cpu < 1.0, ("%s: the window answered n after %.2f s of CPU (%.2f s wall)"):format(s.name, cpu, took))
      else
        assert.is_truthy(poll(15, function () return x("getwindowname " .. win):find(s.name, 1, true) end),
                         s.name .. ": the title names the script")
      end
      -- a screenshot comes after the frame that evaluates the script: its error is out by then
      shots = shots + 1
      x("key --window " .. win .. " s")
      assert.is_truthy(poll(15, function ()
        local n = 0
        for _ in readfile(out):gmatch("%.png\n") do n = n + 1 end
        return n >= shots
      end), s.name .. ": screenshot " .. shots .. " saved: " .. readfile(out))
      assert.is_true(alive(pid), s.name .. ": chainplot is alive")
      local e = readfile(err)
      local new = e:sub(seen + 1)
      seen = #e
      if s.expect == "(no error)" then
        assert.are.equal("", new, s.name .. ": no error")
      else
        assert.is_truthy(new:find(s.expect, 1, true),
                         ("%s: the error is shown (%q expected, got %q)"):format(s.name, s.expect, new))
        assert.is_truthy(new:find(s.name, 1, true) or new:find("out of memory", 1, true),
                         s.name .. ": the message names the file: " .. new)
      end
    end
    -- every screenshot is a real picture of the window
    for path in readfile(out):gmatch("([^\n]+%.png)\n") do
      local png = readfile(path)
      assert.are.equal("\137PNG\r\n\26\n", png:sub(1, 8), path)
      assert.are.equal(1000, string.unpack(">I4", png, 17))
    end
    x("key --window " .. win .. " q")
    assert.is_truthy(poll(10, function () return not alive(pid) end), "q quits")
    assert.are.equal(before, listing(work), "no file created or removed in the working directory")
    assert.are.equal(beforehostile, listing(hostile), "the scripts' folder is unchanged")
    assert.are.equal("a script tries to remove me\n", readfile(work .. "/victim.txt"))
  end)
end)
