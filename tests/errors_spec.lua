-- errors_spec.lua: every caller mistake gets a luaL-style message, and nothing crashes
local cr = require "chainrule"
local cm = cr.math
local checkerr = H.checkerr

local function sq (x) return x * x end

describe("bad arguments", function ()
  local cases = {  -- message, number of arguments, function, arguments
    {"bad argument #1 to 'derivative' (function expected, got nil)",
      2, cr.derivative, nil, 1},
    {"bad argument #1 to 'derivative' (function expected, got number)",
      2, cr.derivative, 3, 1},
    {"bad argument #2 to 'derivative' (number expected, got nil)",
      1, cr.derivative, sq},
    {"bad argument #2 to 'derivative' (number expected, got string)",
      2, cr.derivative, sq, "2"},
    {"bad argument #2 to 'derivative' (number expected, got table)",
      2, cr.derivative, sq, {}},
    {"bad argument #3 to 'derivative' (order must be a non-negative integer, got 1.5)",
      3, cr.derivative, sq, 1, 1.5},
    {"bad argument #3 to 'derivative' (order must be a non-negative integer, got -1)",
      3, cr.derivative, sq, 1, -1},
    {"bad argument #3 to 'derivative' (order must be a non-negative integer, got string)",
      3, cr.derivative, sq, 1, "2"},
    {"bad argument #3 to 'derivative' (order must be at most 160, got 161)",
      3, cr.derivative, sq, 1, 161},
    {"bad argument #4 to 'derivative' (no more than 3 arguments expected)",
      4, cr.derivative, sq, 1, 1, 1},
    {"bad argument #1 to 'derivatives' (function expected, got boolean)",
      3, cr.derivatives, true, 1, 2},
    {"bad argument #3 to 'derivatives' (order must be a non-negative integer, got no value)",
      2, cr.derivatives, sq, 1},
    {"bad argument #1 to 'diff' (function expected, got nil)",
      1, cr.diff, nil},
    {"bad argument #2 to 'diff' (order must be a non-negative integer, got 0.5)",
      2, cr.diff, sq, 0.5},
    {"bad argument #2 to 'diff' (order must be a non-negative integer, got string)",
      2, cr.diff, sq, "x"},
    {"bad argument #1 to 'dual' (number expected, got string)",
      1, cr.dual, "x"},
    {"bad argument #2 to 'dual' (number expected, got table)",
      2, cr.dual, 1, {}},
    {"bad argument #3 to 'dual' (no more than 2 arguments expected)",
      3, cr.dual, 1, 2, 3},
    {"bad argument #1 to 'value' (number or dual expected, got string)",
      1, cr.value, "x"},
    {"bad argument #1 to 'deriv' (number or dual expected, got nil)",
      1, cr.deriv, nil},
    {"bad argument #1 to 'sin' (number expected, got no value)",
      0, cm.sin},
    {"bad argument #1 to 'sin' (number expected, got table)",
      1, cm.sin, {}},
    {"bad argument #2 to 'hypot' (number expected, got nil)",
      2, cm.hypot, cr.dual(1), nil},
    {"bad argument #2 to 'hypot' (number expected, got no value)",
      1, cm.hypot, cr.dual(1)},
    {"bad argument #2 to 'atan' (number expected, got string)",
      2, cm.atan, cr.dual(1), "x"},
    {"bad argument #2 to 'log' (number expected, got table)",
      2, cm.log, cr.dual(1), {}},
    {"bad argument #1 to 'max' (value expected)",  -- math.max's own words
      0, cm.max},
    {"bad argument #3 to 'max' (number expected, got boolean)",
      3, cm.max, cr.dual(1), 2, true},
    {"bad argument #2 to 'fmod' (zero)",
      2, cm.fmod, 1, 0},
  }
  for _, c in ipairs(cases) do
    it(c[1], function () checkerr(c[1], table.unpack(c, 3, 3 + c[2])) end)
  end
end)

describe("bad results and operands", function ()
  it("names what the function returned", function ()
    checkerr("derivative: function returned a string, expected a number or dual",
      cr.derivative, function () return "x" end, 1)
    checkerr("derivative: function returned nil, expected a number or dual",
      cr.derivative, function () end, 1)
    checkerr("derivatives: function returned a table, expected a number or dual",
      cr.derivatives, function () return {} end, 1, 2)
  end)
  it("reports arithmetic on foreign values as Lua does", function ()
    checkerr("attempt to perform arithmetic on a nil value", function () return cr.dual(1) + nil end)
    checkerr("attempt to perform arithmetic on a table value", function () return {} * cr.dual(1) end)
    checkerr("attempt to perform arithmetic on a boolean value", function () return -cr.dual(1) ^ true end)
    checkerr("attempt to compare chainrule.Dual with string", function () return cr.dual(1) < "x" end)
  end)
  it("lets stock math refuse duals with Lua's own error", function ()
    checkerr("number expected, got chainrule.Dual", math.sin, cr.dual(1))
  end)
  it("refuses nesting beyond 16 tags with a clear message", function ()
    checkerr("too many nested derivatives (at most 16 tags in one value)", function ()
      return cr.derivative(function (x)
        return cr.derivative(function (y) return x * y end, 1, 10)
      end, 1, 7)
    end)
  end)
  it("passes errors raised inside f through, and the next call works", function ()
    checkerr("boom", cr.derivative, function () error("boom") end, 1)
    assert.are.equal(6, (cr.derivative(function (x) return x^3 end, 1.0, 2)))
  end)
end)

describe("review findings", function ()
  it("binary cr.math functions ignore extra arguments on plain numbers too", function ()
    assert.are.equal(5, cm.hypot(3, 4, nil))
    assert.are.equal(math.atan(1, 2), cr.core.ops.atan2(1, 2, 100))
  end)
  it("a metamethod called directly with a wrong value raises instead of crashing", function ()
    checkerr("chainrule.Dual expected, got number", getmetatable(cr.dual(1)).__tostring, 5)
  end)
end)

describe("robustness", function ()
  local values = {nil, true, false, 0, -1, 1.5, 0/0, 1/0, -1/0, math.maxinteger,
                  math.mininteger, "", "12", "x", {}, sq, string.len, coroutine.create(sq),
                  io.stdout, cr.dual(2), cr.dual(0/0, 1/0)}
  local nvalues = 21
  it("never crashes when any function gets any argument", function ()
    local fns = {cr.derivative, cr.derivatives, cr.diff, cr.dual, cr.value, cr.deriv}
    for name, f in pairs(cm) do if type(f) == "function" then fns[#fns + 1] = f end end
    for _, op in pairs(cr.core.ops) do fns[#fns + 1] = op end
    local calls = 0
    for _, f in ipairs(fns) do
      for i = 1, nvalues do
        for j = 1, nvalues do
          local ok, err = pcall(f, values[i], values[j], values[(i + j) % nvalues + 1])
          if not ok then assert.are.equal("string", type(err)) end
          calls = calls + 1
        end
      end
    end
    assert.is_true(calls > 10000)
  end)
  it("never crashes when any operator meets any operand", function ()
    local ops = {
      function (a, b) return a + b end, function (a, b) return a - b end,
      function (a, b) return a * b end, function (a, b) return a / b end,
      function (a, b) return a % b end, function (a, b) return a // b end,
      function (a, b) return a ^ b end, function (a) return -a end,
      function (a, b) return a < b end, function (a, b) return a <= b end,
      function (a, b) return a == b end, function (a) return tostring(a) end,
    }
    local d = cr.dual(1.5)
    for _, op in ipairs(ops) do
      for i = 1, nvalues do
        for _, v in ipairs{{d, values[i]}, {values[i], d}} do
          local ok, err = pcall(op, v[1], v[2])
          if not ok then assert.are.equal("string", type(err)) end
        end
      end
    end
  end)
end)

describe("require", function ()
  it("sets no globals and changes no shared table", function ()
    -- a fresh interpreter, so nothing the test runner loaded hides a change
    local script = [[
      local function snapshot (t)
        local s = {}
        for k, v in pairs(t) do s[k] = v end
        return s
      end
      local shared = {_G = _G, math = math, string = string, table = table, io = io,
                      os = os, coroutine = coroutine, utf8 = utf8, debug = debug}
      local before = {}
      for name, t in pairs(shared) do before[name] = snapshot(t) end
      local smt = snapshot(getmetatable(""))
      local cr = require "chainrule"
      assert(type(cr.derivative) == "function")
      local changed = {}
      for name, t in pairs(shared) do
        for k, v in pairs(t) do if before[name][k] ~= v then changed[#changed + 1] = name .. "." .. tostring(k) end end
        for k in pairs(before[name]) do if t[k] == nil then changed[#changed + 1] = name .. "." .. tostring(k) end end
      end
      for k, v in pairs(getmetatable("")) do if smt[k] ~= v then changed[#changed + 1] = "string mt " .. k end end
      print(#changed == 0 and "clean" or table.concat(changed, ","))
    ]]
    local lua = os.getenv("LUA") or "lua5.4"
    local f = assert(io.popen(("LUA_PATH=%q LUA_CPATH=%q %s -e %q"):format(
      package.path, package.cpath, lua, script)))
    local out = f:read("a")
    f:close()
    assert.are.equal("clean\n", out)
  end)
end)
