-- chainplot_class_spec.lua: issue 10 from the command line, headless: each load error said once
local bin = "build/chainplot"

local function run (args)
  local p = io.popen(("env -u DISPLAY -u WAYLAND_DISPLAY %s %s 2>&1"):format(bin, args))
  local out = p:read("a")
  local _, _, code = p:close()
  return code, out
end

local function count (s, sub)
  local n, i = 0, 1
  while true do
    local a, b = s:find(sub, i, true)
    if not a then return n end
    n, i = n + 1, b + 1
  end
end

describe("chainplot load errors", function ()
  local tmp = os.tmpname()
  teardown(function ()
    os.remove(tmp)
    os.remove(tmp .. ".lua")
    os.remove(tmp .. ".png")
  end)

  it("are printed once with --output", function ()
    local f = assert(io.open(tmp .. ".lua", "w"))
    f:write("this is not lua\n")
    f:close()
    local code, out = run(("--output %s.png %s.lua"):format(tmp, tmp))
    assert.are.equal(1, code, out)
    assert.are.equal(1, count(out, "syntax error"), out)
  end)

  it("say that a missing script does not exist, once", function ()
    local code, out = run(("--output %s.png %s-missing.lua"):format(tmp, tmp))
    assert.are.equal(1, code, out)
    assert.are.equal(1, count(out, "missing.lua: the file does not exist"), out)
  end)

  it("are printed once headless, without --output", function ()
    local dir = os.tmpname()
    os.remove(dir)
    os.execute("mkdir -p " .. dir)
    local f = assert(io.open(dir .. "/bad.lua", "w"))
    f:write("return {inner = 1}\n")
    f:close()
    local p = io.popen(("cd %s && env -u DISPLAY -u WAYLAND_DISPLAY %s/%s bad.lua 2>&1"):format(dir, os.getenv("PWD"), bin))
    local out = p:read("a")
    p:close()
    os.execute("rm -rf " .. dir)
    assert.are.equal(1, count(out, "field 'inner' must be"), out)
  end)
end)
