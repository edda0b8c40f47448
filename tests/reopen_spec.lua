-- reopen_spec.lua: chainrule.core opened twice in one Lua state (busted resets package.loaded per file)
local cr = require "chainrule"

describe("the core opened again in the same state", function ()
  it("keeps expressions made before valid, and their finalizers harmless", function ()
    local made = {}
    for i = 1, 200 do made[i] = (cr.symbol("x") + i)^2 end
    local old = package.loaded["chainrule.core"]
    package.loaded["chainrule.core"] = nil
    local core2 = require "chainrule.core"   -- luaopen_chainrule_core runs a second time
    package.loaded["chainrule.core"] = old
    assert.are.equal("(x + 7)^2", tostring(made[7]))
    assert.are.equal(64, made[7]:eval{x = 1})
    made = nil
    collectgarbage()
    collectgarbage()
    local e = core2.symbol("y") * 3
    assert.are.equal("3*y", tostring(e))
    local F = cr.compile(function (x) return (x^2 + 5)^3 end)
    local v, d = F:eval(2)
    assert.are.equal(729, v)
    assert.are.equal(972, d)
  end)
end)
