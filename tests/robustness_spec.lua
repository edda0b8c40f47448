-- robustness_spec.lua: every public function and method, given any arguments, returns or raises a
-- string error; nothing crashes, and the process-wide settings are restored afterwards
local cr = require "chainrule"

local function values ()
  local X = cr.symbol("x")
  local F = cr.compile(function (x) return x * x end)
  return {
    nil, true, 0, -1, 1.5, 0/0, 1/0, math.maxinteger, math.mininteger, "", "x", "12",
    {}, {1, 2, 3}, {x = 1}, {cr.dual(1), 2}, function (x) return x end,
    function () error("boom") end, function () return "s" end, coroutine.create(function () end),
    io.stdout, cr.dual(2), cr.dual(0/0, 1/0), cr.param(0.5), X, X^2 + 1, F, cr.array{1, 2},
  }, 28
end

-- the functions to call, with the methods of every chainrule type
local function targets ()
  local list = {}
  for name, f in pairs(cr) do
    if type(f) == "function" then list[#list + 1] = {"cr." .. name, f} end
  end
  for name, f in pairs(cr.core.ops) do list[#list + 1] = {"core.ops." .. name, f} end
  for name, f in pairs(cr.math) do
    if type(f) == "function" and name ~= "randomseed" then list[#list + 1] = {"cr.math." .. name, f} end
  end
  local X, P = cr.symbol("x"), cr.param(1)
  local F, A = cr.compile(function (x) return x * x end), cr.array{1, 2}
  local methods = {
    {X, {"eval", "latex", "vars", "subst", "simplify", "kind"}},
    {P, {"backward"}},
    {F, {"eval", "sample", "size"}},
    {A, {"totable"}},
  }
  for _, m in ipairs(methods) do
    for _, name in ipairs(m[2]) do
      local f = m[1][name]
      assert(type(f) == "function", name .. " is a method")
      list[#list + 1] = {name, f}
    end
  end
  return list
end

describe("every public function", function ()
  it("returns or raises a string error for any one or two arguments", function ()
    local vals, n = values()
    local calls = 0
    local saved = {cr.tapelimit(), cr.simplify()}
    local out = io.output()
    io.output(os.tmpname())  -- the explainer writes to io.output(); keep the test log readable
    for _, t in ipairs(targets()) do
      for i = 0, n do
        for j = 0, n, (i == 0 and n + 1 or 1) do
          local ok, err
          if i == 0 then ok, err = pcall(t[2])
          elseif j == 0 then ok, err = pcall(t[2], vals[i])
          else ok, err = pcall(t[2], vals[i], vals[j]) end
          calls = calls + 1
          if not ok and type(err) ~= "string" then
            error(("%s raised a %s"):format(t[1], type(err)))
          end
        end
      end
      cr.tapelimit(saved[1]); cr.simplify(saved[2])
    end
    local tmp = io.output()
    io.output(out)
    tmp:close()
    assert.is_true(calls > 50000, "calls: " .. calls)
  end)
end)

describe("requiring the module again after package.loaded was cleared", function ()
  -- busted's insulation does this between spec files; so may a host program
  it("keeps one core: old values stay valid and new ones do not collide with them", function ()
    local x = cr.symbol("x")
    local d = cr.dual(3)
    for name in pairs(package.loaded) do
      if name == "chainrule" or name:match("^chainrule%.") then package.loaded[name] = nil end
    end
    local cr2 = require "chainrule"
    assert.are.equal(cr.core, cr2.core)
    do  -- garbage made through the reloaded module, swept, must not take x's node
      local X = cr2.symbol("x")
      local e = X
      for i = 1, 20000 do e = e * cr2.math.cos(X + i) end
    end
    collectgarbage(); collectgarbage()
    cr.core.expr_stats(true)
    assert.are.equal("2*x", tostring(x + x))
    -- a dual from before and a derivative after: their tags stay distinct
    assert.are.equal(3, (cr2.derivative(function (t) return t * d.value end, 1)))
    assert.are.equal("3 + 1ε₁ + 2ε₂", tostring(d + cr2.dual(0, 2)))
  end)
end)
