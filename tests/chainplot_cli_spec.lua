-- chainplot_cli_spec.lua: the chainplot command line, headless: --help, bad options, exports, hostile scripts
local bin = "build/chainplot"

local function run (args)
  local p = io.popen(("env -u DISPLAY -u WAYLAND_DISPLAY %s %s 2>&1"):format(bin, args))
  local out = p:read("a")
  local _, _, code = p:close()
  return code, out
end

local function exists (path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local tmp = os.tmpname()

describe("chainplot command line", function ()
  teardown(function ()
    os.remove(tmp)
    os.remove(tmp .. ".png")
    os.remove(tmp .. ".lua")
  end)

  it("describes every option and key with --help", function ()
    local code, out = run("--help")
    assert.are.equal(0, code)
    for _, s in ipairs{"--output", "--size", "--x0", "--font", "--trust", "--scale", "--memory",
                       "--budget", "--shot-dir", "--bench", "wheel", "r  reset", "s  save",
                       "n / p", "q / Esc"} do
      assert.truthy(out:find(s, 1, true), s)
    end
  end)

  it("rejects bad command lines with exit status 2", function ()
    local cases = {
      {"--bogus plots/cubic.lua", "unknown option (try --help): --bogus"},
      {"--size 10x10 plots/cubic.lua", "--size wants WxH, each 64 to 16384: 10x10"},
      {"--x0 abc plots/cubic.lua", "--x0 wants a number or none: abc"},
      {"plots/cubic.lua plots/tan.lua", "only one script, got another: plots/tan.lua"},
      {"--output", "option needs a value: --output"},
      {"", "usage: chainplot"},
    }
    for _, c in ipairs(cases) do
      local code, out = run(c[1])
      assert.are.equal(2, code, c[1])
      assert.truthy(out:find(c[2], 1, true), out)
    end
  end)

  it("exports a PNG of the requested size", function ()
    local code, out = run(("--output %s.png --size 400x300 --x0 1.5 plots/cubic.lua"):format(tmp))
    assert.are.equal(0, code, out)
    local f = assert(io.open(tmp .. ".png", "rb"))
    local png = f:read("a")
    f:close()
    assert.are.equal("\137PNG\r\n\26\n", png:sub(1, 8))
    assert.are.equal(400, string.unpack(">I4", png, 17))
    assert.are.equal(300, string.unpack(">I4", png, 21))
  end)

  it("renders a PNG and prints its path when there is no display", function ()
    local dir = tmp .. ".d"
    os.execute("mkdir -p " .. dir)
    local p = io.popen(("cd %s && env -u DISPLAY -u WAYLAND_DISPLAY %s/%s %s/plots/tan.lua 2>&1")
      :format(dir, os.getenv("PWD"), bin, os.getenv("PWD")))
    local out = p:read("a")
    p:close()
    assert.truthy(out:find("no display", 1, true), out)
    assert.truthy(out:find(dir .. "/chainplot-tan.png", 1, true), out)
    assert.is_true(exists(dir .. "/chainplot-tan.png"))
    os.execute("rm -rf " .. dir)
  end)

  it("reports a hostile script with file and line, exit status 1, and touches nothing", function ()
    local victim = tmp
    local f = assert(io.open(tmp .. ".lua", "w"))
    f:write(("return {f = function (x) os.remove(%q) return x end}\n"):format(victim))
    f:close()
    local code, out = run(("--output %s.png %s.lua"):format(tmp, tmp))
    assert.are.equal(1, code)
    assert.truthy(out:find(tmp .. ".lua:1: attempt to index a nil value (global 'os')", 1, true), out)
    assert.is_true(exists(victim))
    assert.is_true(exists(tmp .. ".png"), "the PNG shows the error")
  end)

  it("lifts the sandbox with --trust", function ()
    local f = assert(io.open(tmp .. ".lua", "w"))
    f:write("local t = os.time()\nreturn {f = function (x) return x * x end}\n")
    f:close()
    local code, out = run(("--trust --output %s.png %s.lua"):format(tmp, tmp))
    assert.are.equal(0, code, out)
  end)

  it("names a missing script", function ()
    local code, out = run(("--output %s.png plots/nope.lua"):format(tmp))
    assert.are.equal(1, code)
    assert.truthy(out:find("plots/nope.lua: the file does not exist", 1, true), out)
  end)

  describe("with a formula", function ()
    local function readall (path)
      local f = assert(io.open(path, "rb"))
      local d = f:read("a")
      f:close()
      return d
    end

    it("opens an argument that is no file but a formula, and --output works", function ()
      local code, out = run(("--output %s.png --size 400x300 '(x^2 + 5)^3'"):format(tmp))
      assert.are.equal(0, code, out)
      assert.are.equal("", out)
      local png = readall(tmp .. ".png")
      assert.are.equal("\137PNG\r\n\26\n", png:sub(1, 8))
      -- the same picture as a plot script naming the formula
      local f = assert(io.open(tmp .. ".lua", "w"))
      f:write('return {formula = "(x^2 + 5)^3"}\n')
      f:close()
      code, out = run(("--output %s-b.png --size 400x300 %s.lua"):format(tmp, tmp))
      assert.are.equal(0, code, out)
      local same = readall(tmp .. "-b.png") == png
      os.remove(tmp .. "-b.png")
      assert.is_true(same, "formula argument and formula script render alike")
    end)

    it("takes --split and --chain", function ()
      for _, args in ipairs{"--split 2 '(x^2 + 5)^3'", "--chain 'sqrt(1 + sin(x)^2)'",
                            "--chain 'exp(sin(cos(x^2 + 1)))'", "'x*sin(x)'"} do
        local code, out = run(("--output %s.png --size 400x300 %s"):format(tmp, args))
        assert.are.equal(0, code, args .. ": " .. out)
      end
      local a = (function ()
        run(("--output %s.png --size 400x300 '(x^2 + 5)^3'"):format(tmp))
        return readall(tmp .. ".png")
      end)()
      run(("--output %s.png --size 400x300 --split 2 '(x^2 + 5)^3'"):format(tmp))
      assert.are_not.equal(a, readall(tmp .. ".png"), "split 2 draws other panels")
    end)

    it("says what is wrong with a formula, exit status 2", function ()
      local cases = {
        {"'x +* 2'", [[chainplot: formula: unexpected '*' at column 4 in "x +* 2"]]},
        {"'sin(y)'", "chainplot: formula: unknown name 'y' (the variable is x)"},
        {"'os.exit(3)'", "chainplot: formula: unknown name 'os' (the variable is x)"},
        {"--split 3 '(x^2 + 5)^3'", "chainplot: formula: split must be 1 to 2 for (x\u{b2} + 5)\u{b3} (got 3)"},
        {"--split 2 'x*sin(x)'", "there is no split"},
        {"--split 2 --chain 'sin(x^2)'", "chainplot: --split and --chain do not go together"},
        {"--split 0 'sin(x^2)'", "chainplot: --split wants a depth, 1 or more: 0"},
        {"--chain plots/cubic.lua", "chainplot: --split and --chain are for formulas, not scripts: plots/cubic.lua"},
      }
      for _, c in ipairs(cases) do
        local code, out = run(("--output %s.png %s"):format(tmp, c[1]))
        assert.are.equal(2, code, c[1] .. ": " .. out)
        assert.truthy(out:find(c[2], 1, true), out)
      end
      local code, out = run(("--output %s.png plots/cubc"):format(tmp))
      assert.are.equal(2, code)
      assert.truthy(out:find("chainplot: plots/cubc: the file does not exist (read as a formula: "
        .. "formula: unknown name 'plots' (the variable is x))", 1, true), out)
      -- a missing script stays a missing script
      code, out = run(("--output %s.png nope.lua"):format(tmp))
      assert.are.equal(1, code)
      assert.truthy(out:find("nope.lua: the file does not exist", 1, true), out)
    end)

    it("renders a formula headless to chainplot-formula.png", function ()
      local dir = os.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. dir))
      local p = io.popen(("cd %s && env -u DISPLAY -u WAYLAND_DISPLAY %s/%s 'sin(x^2)' 2>&1"):format(
        dir, os.getenv("PWD"), bin))
      local out = p:read("a")
      p:close()
      assert.truthy(out:find(dir .. "/chainplot-formula.png", 1, true), out)
      assert.is_true(exists(dir .. "/chainplot-formula.png"))
      os.execute("rm -rf " .. dir)
    end)

    it("lists the formula options and keys in --help", function ()
      local _, out = run("--help")
      for _, s in ipairs{"FORMULA", "--split N", "--chain", "e  type a formula", "[ / ]", "w  write"} do
        assert.truthy(out:find(s, 1, true), s)
      end
    end)
  end)
end)
