-- install_spec.lua: make install and luarocks make give a module any Lua 5.4 program can require
local function sh (cmd)
  local f = assert(io.popen(cmd .. " 2>&1"))
  local out = f:read("*a")
  local ok, _, code = f:close()
  return ok and code == 0, out
end

local probe = [[print(require("chainrule").derivative(function(x) return (x^2+5)^3 end, 2))]]

describe("packaging #noasan", function ()
  it("the rockspec lists every C source and Lua module of the build", function ()
    local spec = {}
    local chunk = assert(loadfile("chainrule-scm-0.rockspec", "t", spec))
    chunk()
    local mods = spec.build.modules
    local ok, out = sh("make -s sources")
    assert.is_true(ok, out)
    local listed = {}
    for _, src in ipairs(mods["chainrule.core"].sources) do listed[src] = true end
    local n = 0
    for src in out:gmatch("%S+") do
      assert.is_true(listed[src], src .. " is missing from the rockspec")
      n = n + 1
    end
    assert.are.equal(n, #mods["chainrule.core"].sources)
    for file in io.popen("ls lua/chainrule"):lines() do
      local name = "chainrule." .. file:gsub("%.lua$", "")
      if name == "chainrule.init" then name = "chainrule" end
      assert.are.equal("lua/chainrule/" .. file, mods[name], name .. " in the rockspec")
    end
  end)

  it("make install puts a working module under PREFIX", function ()
    local dest = os.tmpname()
    os.remove(dest)
    local ok, out = sh(("make -s install DESTDIR=%s PREFIX=/usr/local"):format(dest))
    assert.is_true(ok, out)
    local root = dest .. "/usr/local"
    ok, out = sh(("cd / && LUA_PATH='%s/share/lua/5.4/?.lua;%s/share/lua/5.4/?/init.lua' " ..
      "LUA_CPATH='%s/lib/lua/5.4/?.so' lua5.4 -e %q"):format(root, root, root, probe))
    assert.is_true(ok, out)
    assert.are.equal("972.0\t729.0\n", out)
    sh("rm -rf " .. dest)
  end)

  it("make uninstall removes every file make install put there", function ()
    local dest = os.tmpname()
    os.remove(dest)
    local vars = ("DESTDIR=%s PREFIX=/usr/local"):format(dest)
    local ok, out = sh("make -s install " .. vars)
    assert.is_true(ok, out)
    ok, out = sh(("cd %s && find . -type f | sort"):format(dest))
    assert.is_true(ok, out)
    -- the viewer's program and plots are installed too, so uninstall has them to remove
    assert.is_truthy(out:find("./usr/local/bin/chainplot\n", 1, true), out)
    assert.is_truthy(out:find("./usr/local/share/chainplot/plots/cubic.lua\n", 1, true), out)
    ok, out = sh("make -s uninstall " .. vars)
    assert.is_true(ok, out)
    ok, out = sh(("cd %s && find . -type f -o -type l"):format(dest))
    assert.is_true(ok, out)
    assert.are.equal("", out)
    sh("rm -rf " .. dest)
  end)

  it("luarocks make builds and installs it offline", function ()
    local tree, src = os.tmpname(), os.tmpname()
    os.remove(tree)
    os.remove(src)
    -- build from a copy: luarocks leaves object files next to the sources
    local ok, out = sh(("mkdir -p %s && cp -r src lua chainrule-scm-0.rockspec %s"):format(src, src))
    assert.is_true(ok, out)
    ok, out = sh(("cd %s && luarocks --lua-version=5.4 --tree=%s make chainrule-scm-0.rockspec"):format(src, tree))
    assert.is_true(ok, out)
    ok, out = sh(("cd / && LUA_PATH='%s/share/lua/5.4/?.lua;%s/share/lua/5.4/?/init.lua' " ..
      "LUA_CPATH='%s/lib/lua/5.4/?.so' lua5.4 -e %q"):format(tree, tree, tree, probe))
    assert.is_true(ok, out)
    assert.are.equal("972.0\t729.0\n", out)
    sh("rm -rf " .. tree .. " " .. src)
  end)

  -- the same rockspec for the older Luas installed here (scripts/install-deps installs them)
  for _, v in ipairs{"5.1", "5.3"} do
    local have = sh("command -v lua" .. v .. " && pkg-config --exists lua" .. v)
    local it_ = have and it or pending
    it_(("luarocks --lua-version=%s make builds and installs it offline"):format(v), function ()
      local tree, src = os.tmpname(), os.tmpname()
      os.remove(tree)
      os.remove(src)
      local ok, out = sh(("mkdir -p %s && cp -r src lua chainrule-scm-0.rockspec %s"):format(src, src))
      assert.is_true(ok, out)
      ok, out = sh(("cd %s && luarocks --lua-version=%s --tree=%s make chainrule-scm-0.rockspec")
        :format(src, v, tree))
      assert.is_true(ok, out)
      local luas = {"lua" .. v}
      if v == "5.1" and sh("command -v luajit") then luas[2] = "luajit" end  -- the same module
      for _, lua in ipairs(luas) do
        ok, out = sh(("cd / && LUA_PATH='%s/share/lua/%s/?.lua;%s/share/lua/%s/?/init.lua' " ..
          "LUA_CPATH='%s/lib/lua/%s/?.so' %s -e %q"):format(tree, v, tree, v, tree, v, lua, probe))
        assert.is_true(ok, out)
        local d, y = out:match("^(%S+)\t(%S+)\n$")
        assert.are.same({972, 729}, {tonumber(d), tonumber(y)}, lua .. ": " .. out)
      end
      sh("rm -rf " .. tree .. " " .. src)
    end)
  end
end)
