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
    it(c[1], function () checkerr(c[1], H.unpack(c, 3, 3 + c[2])) end)
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
  it("reports arithmetic on foreign values as Lua does #cmp", function ()
    checkerr("attempt to perform arithmetic on a nil value", function () return cr.dual(1) + nil end)
    checkerr("attempt to perform arithmetic on a table value", function () return {} * cr.dual(1) end)
    checkerr("attempt to perform arithmetic on a boolean value", function () return -cr.dual(1) ^ true end)
    checkerr("attempt to compare chainrule.Dual with string", function () return cr.dual(1) < "x" end)
  end)
  it("lets stock math refuse duals with Lua's own error #lua53", function ()
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
    assert.are.equal(cr.math.atan(1, 2), cr.core.ops.atan2(1, 2, 100))
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
      function (a, b) return a % b end, H.idiv,
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
    local lua = H.LUA
    local f = assert(io.popen(("LUA_PATH=%q LUA_CPATH=%q %s -e %q"):format(
      package.path, package.cpath, lua, script)))
    local out = f:read("*a")
    f:close()
    assert.are.equal("clean\n", out)
  end)
end)

describe("errors point at the caller", function ()
  -- every case calls the API from a one-line function of this file (not as a tail call): the
  -- error must carry that very line as its position, and name the public function
  local here = debug.getinfo(1, "S").short_src
  local function at (msg, f)
    local line = debug.getinfo(f, "S").linedefined
    local ok, err = pcall(f)
    assert.is_false(ok, "no error; expected " .. msg)
    assert.are.equal(("%s:%d: %s"):format(here, line, msg), err)
  end
  local x = cr.symbol("x")
  local plot = require "chainrule.plot"
  local F = cr.compile(sq)
  local G = cr.compile(function (v) return v[1] * v[2] end, {n = 2})
  local B = cr.compile(function (t) if t > 0 then return "s" end return t end, {fallback = true})
  local GB = cr.compile(function (v) if v[1] > 0 then return v[1] end return v[2] end, {n = 2, fallback = true})
  local L = cr.compile(function (w, d) return w[1] * d[1] end, {n = 1, data = 1})
  local p = cr.param(2)
  local png = os.tmpname() .. ".png"
  local cases = {
    {"bad argument #2 to 'gradient' (number or array expected, got nil)", function () local _ = cr.gradient(sq, nil) end},
    {"bad argument #2 to 'gradient' (array of numbers expected, got string at index 2)", function () local _ = cr.gradient(sq, {1, "x"}) end},
    {"bad argument #1 to 'gradient' (function expected, got nil)", function () local _ = cr.gradient(nil, 1) end},
    {"bad argument #3 to 'gradient' (no more than 2 arguments expected with an array)", function () local _ = cr.gradient(sq, {1}, 2) end},
    {"gradient: function returned a string, expected a number, dual or Var", function () local _ = cr.gradient(function () return "x" end, 1) end},
    {"bad argument #2 to 'graph' (number expected for input 'a', got string)", function () local _ = cr.graph(sq, {a = "x"}) end},
    {"bad argument #2 to 'jacobian' (array expected, got number)", function () local _ = cr.jacobian(sq, 1) end},
    {"bad argument #2 to 'hessian' (array expected, got nil)", function () local _ = cr.hessian(sq, nil) end},
    {"hessian: function returned a string, expected a number, dual or Var", function () local _ = cr.hessian(function () return "s" end, {1}) end},
    {"bad argument #3 to 'hvp' (vector of length 1 expected, got 2)", function () local _ = cr.hvp(sq, {1}, {1, 2}) end},
    {"bad argument #3 to 'check' (options table expected, got number)", function () local _ = cr.check(sq, {1}, 5) end},
    {"bad argument #3 to 'check' (unknown option 'epz')", function () local _ = cr.check(sq, {1}, {epz = 1}) end},
    {"bad argument #3 to 'check' (option 'eps' must be a number, got string)", function () local _ = cr.check(sq, {1}, {eps = "x"}) end},
    {"bad argument #3 to 'check' (unknown option 'rows')", function () local _ = cr.check(sq, {1}, {rows = {}}) end},
    {"bad argument #2 to 'check' (array of 2 numbers expected, got 1)", function () local _ = cr.check(G, {1}) end},
    {"bad argument #3 to 'check' (row 1: array of 1 numbers expected, got 2)", function () local _ = cr.check(L, {1}, {rows = {{1, 2}}}) end},
    {"bad argument #1 to 'zero_grad' (array of params expected, got number)", function () local _ = cr.zero_grad(5) end},
    {"bad argument #1 to 'no_grad' (function expected, got number)", function () local _ = cr.no_grad(5) end},
    {"bad argument #1 to 'tapelimit' (integer between 1 and 2^31-1 expected, got 0)", function () local _ = cr.tapelimit(0) end},
    {"bad argument #3 to 'dot' (unknown option 'nme')", function () local _ = cr.dot(sq, 1, {nme = "a"}) end},
    {"bad argument #3 to 'dot' (option 'digits' must be a number, got string)", function () local _ = cr.dot(sq, 1, {digits = "4"}) end},
    {"bad argument #1 to 'dot' (function expected, got nil)", function () local _ = cr.dot(nil, 1) end},
    {"dot: function returned a string, expected a number, dual or Var", function () local _ = cr.dot(function () return "s" end, 1) end},
    {"bad argument #2 to 'diff' (symbol expected, got number)", function () local _ = cr.diff(x^2, 5) end},
    {"bad argument #3 to 'diff' (order must be a non-negative integer, got 1.5)", function () local _ = cr.diff(x^2, x, 1.5) end},
    {"bad argument #4 to 'diff' (no more than 3 arguments expected)", function () local _ = cr.diff(x^2, x, 1, 2) end},
    {"bad argument #2 to 'diff' (order must be a non-negative integer, got 0.5)", function () local _ = cr.diff(sq, 0.5) end},
    {"bad argument #1 to 'value' (number or dual expected, got string)", function () local _ = cr.value("x") end},
    {"bad argument #2 to symbolic expression (no more than 1 argument expected)", function () local _ = (x^2)(1, 2) end},
    {"bad argument #1 to symbolic expression (number expected, got table)", function () local _ = (x^2)({}) end},
    {"bad argument #1 to 'eval' (table expected, got number)", function () local _ = (x^2):eval(5) end},
    {"bad argument #1 to 'simplify' (level must be 0, 1 or 2)", function () local _ = (x^2):simplify(9) end},
    {"bad argument #2 to 'simplify' (no more than 1 argument expected)", function () local _ = cr.simplify(true, 1) end},
    {"bad argument #1 to 'symbol' (name must be a Lua identifier, got the keyword 'end')", function () local _ = cr.symbol("end") end},
    {"bad argument #1 to 'fn' (function expected, got number)", function () local _ = cr.fn(5, "a") end},
    {"bad argument #2 to 'compose' (function expected, got no value)", function () local _ = cr.compose(sq) end},
    {"bad argument #2 to 'explain' (function expected, got number)", function () local _ = cr.explain(sq, 5) end},
    {"bad argument #4 to 'explain' (option 'out' must be a file, got number)", function () local _ = cr.explain(sq, sq, 0.5, {out = 5}) end},
    {"bad argument #4 to 'explain' (option 'quiet' must be a boolean, got number)", function () local _ = cr.explain(sq, sq, 0.5, {quiet = 1}) end},
    {"bad argument #3 to 'explain' (unknown option 'quite')", function () local _ = cr.explain(sq, sq, {quite = true}) end},
    {"bad argument #5 to 'explain' (no more than 4 arguments expected)", function () local _ = cr.explain(sq, sq, 1, {}, 2) end},
    {"explain: function returned a string, expected a number or dual", function () local _ = cr.explain(function (u) if u > 0 then return "s" end return u end, sq, 1, {quiet = true}) end, tag = "cmp"},
    {"bad argument #1 to 'compile' (function expected, got number)", function () local _ = cr.compile(5) end},
    {"bad argument #2 to 'compile' (options table expected, got number)", function () local _ = cr.compile(sq, 5) end},
    {"bad argument #2 to 'compile' (unknown option 'ordr')", function () local _ = cr.compile(sq, {ordr = 2}) end},
    {"bad argument #2 to 'compile' (option 'exact' must be a boolean, got number)", function () local _ = cr.compile(sq, {exact = 1}) end},
    {"bad argument #2 to 'compile' (order must be an integer from 0 to 8, got 9)", function () local _ = cr.compile(sq, {order = 9}) end},
    {"bad argument #2 to 'compile' (limit applies with n, to compiled gradients)", function () local _ = cr.compile(sq, {limit = 9}) end},
    {"bad argument #3 to 'compile' (no more than 2 arguments expected)", function () local _ = cr.compile(sq, {}, 1) end},
    {"bad argument #2 to 'compile' (n must be an integer from 0 to 16777216, got -1)", function () local _ = cr.compile(sq, {n = -1}) end},
    {"bad argument #2 to 'compile' (n expected with data)", function () local _ = cr.compile(sq, {data = 1}) end},
    {"compile: function returned a string, expected a number", function () local _ = cr.compile(function () return "s" end) end},
    {"compile: function returned a string, expected a number", function () local _ = cr.compile(function () return "s" end, {n = 1}) end},
    {"bad argument #1 to 'eval' (number, table or array expected, got string)", function () local _ = F:eval("x") end},
    {"bad argument #3 to 'sample' (count must be from 1 to 1e8)", function () local _ = F:sample(1, 2, 0) end},
    {"bad argument #1 to 'sample' (number expected, got string)", function () local _ = F.sample(F, "a", 2, 1) end},
    {"bad argument #1 to compiled function (number or dual expected, got table)", function () local _ = F({}) end},
    {"eval: function returned a string, expected a number or dual", function () local _ = B:eval(1) end, tag = "cmp"},
    {"bad argument #2 to 'value' (array of 2 numbers expected, got 1)", function () local _ = G{1} end},
    {"bad argument #2 to 'gradient' (array of 2 numbers expected, got 1)", function () local _ = GB:gradient{1} end},
    {"bad argument #2 to 'value' (array of numbers expected, got string at index 2)", function () local _ = GB:value{1, "x"} end},
    {"bad value for array index 1 (number expected, got string)", function () local a = cr.array(2); a[1] = "x" end},
    {"bad value for 'grad' (number expected, got string)", function () p.grad = "x" end},
    {"bad argument #1 to 'backward' (no arguments expected)", function () local q = p * p; q:backward(5) end},
    {"bad argument #1 to 'show' (table or script path expected, got number)", function () local _ = plot.show(5) end},
    {"bad argument #2 to 'show' (options table expected, got number)", function () local _ = plot.show({f = sq}, 5) end},
    {"bad argument #2 to 'render' (unknown option 'outptu')", function () local _ = plot.render({f = sq}, {outptu = "a.png"}) end},
    {"bad argument #2 to 'render' (option 'trust' must be a boolean, got number)", function () local _ = plot.render({f = sq}, {output = png, trust = 1}) end},
    {"bad argument #2 to 'render' (option 'x0' must be a number or false, got string)", function () local _ = plot.render({f = sq}, {output = png, x0 = "a"}) end},
    {"bad argument #2 to 'render' (option 'size' must be \"WxH\" or {w, h}, got \"big\")", function () local _ = plot.render({f = sq}, {output = png, size = "big"}) end},
    {"bad argument #2 to 'render' (scale must be 0.25 to 8)", function () local _ = plot.render({f = sq}, {output = png, scale = 100}) end, tag = "viewer"},
    {"bad argument #1 to 'render' (option 'output' expected: the PNG to write)", function () local _ = plot.render({f = sq}) end},
    {"render: field 'outer' must be a function f(u) (got nil)", function () local _ = plot.render({inner = sq, output = png}) end, tag = "viewer"},
    {"bad argument #2 to 'max' (number expected, got string)", function () local _ = cm.max(cr.dual(1), "x") end},
    {"bad argument #1 to 'deg' (number expected, got table)", function () local _ = cm.deg({}) end},
  }
  for _, c in ipairs(cases) do
    it(c[1] .. (c.tag and " #" .. c.tag or ""), function () at(c[1], c[2]) end)
  end
  os.remove(png)

  it("a call inside f, run by a scoped mode in a coroutine, points at f's own line", function ()
    local line
    local co = coroutine.wrap(function ()
      return pcall(cr.no_grad, function () line = debug.getinfo(1, "l").currentline + 1
        local _ = cr.gradient(sq, nil) end)
    end)
    local ok, err = co()
    assert.is_false(ok)
    assert.are.equal(("%s:%d: bad argument #2 to 'gradient' (number or array expected, got nil)"):format(
      here, line), err)
  end)

  it("an error of the caller's own f keeps its own position, through every mode", function ()
    local line = debug.getinfo(1, "l").currentline + 1
    local function bad () error("boom") end
    for _, run in ipairs{function () return cr.no_grad(bad) end,
                         function () return cr.gradient(function (v) bad() return v[1] end, {1}) end,
                         function ()  -- resume, not wrap: wrap adds its own position to errors
                           local _, e = coroutine.resume(coroutine.create(function () return cr.no_grad(bad) end))
                           error(e, 0)
                         end,
                         function () return cr.jacobian(function (v) bad() return v end, {1}) end} do
      local ok, err = pcall(run)
      assert.is_false(ok)
      assert.are.equal(("%s:%d: boom"):format(here, line), err)
    end
    -- compile says the trace failed, and keeps f's message whole
    local ok, err = pcall(cr.compile, function (t) bad() return t end)
    assert.is_false(ok)
    assert.are.equal(("compile: %s:%d: boom"):format(here, line), err)
  end)

  it("a failed trace names the line of f that branched, once #cmp", function ()
    local line = debug.getinfo(1, "l").currentline + 1
    local function branchy (t) if t > 0 then return t end return -t end
    local ok, err = pcall(cr.compile, branchy)
    assert.is_false(ok)
    assert.are.equal(("%s:%d: compile: the function branches on its input (comparison of a traced value); "
      .. "only branch-free functions compile, use cr.derivative per point"):format(here, line), err)
  end)
end)

describe("forged userdata", function ()
  -- a block with a chainrule metatable but not made by chainrule: named as forged, not as the type
  local function forged (mt, ud) debug.setmetatable(ud, mt) return ud end  -- 5.1 returns true
  it("is refused with a message that says so", function ()
    local varmt = getmetatable(cr.param(1))
    local F = cr.compile(sq)
    local G = cr.compile(function (v) return v[1] end, {n = 1})
    local cases = {
      {"chainrule.Var expected, got forged chainrule.Var", function () return forged(varmt, io.tmpfile()).grad end},
      {"chainrule.Compiled expected, got forged chainrule.Compiled", function () return forged(getmetatable(F), cr.array{1}):eval(2) end},
      {"chainrule.Array expected, got forged chainrule.Array", function () return #forged(getmetatable(cr.array{1}), io.tmpfile()) end},
      {"chainrule.Gradient expected, got forged chainrule.Gradient", function () return forged(getmetatable(G), io.tmpfile()):gradient{1} end},
      {"chainrule.Gradient expected, got forged chainrule.Gradient", function () return forged(getmetatable(G), cr.array{1, 2, 3, 4}):size() end},
      {"bad argument #1 to 'tape_swap' (chainrule.Tape expected, got forged chainrule.Tape)",
        function () return cr.core.tape_swap(forged(getmetatable(cr.core.tape_new()), cr.array{1, 2, 3, 4, 5, 6, 7, 8})) end},
    }
    for _, c in ipairs(cases) do checkerr(c[1], c[2]) end
    assert.is_false(cr.core.isgradprog(forged(getmetatable(G), io.tmpfile())))
    collectgarbage(); collectgarbage()  -- their finalizers meet forged blocks too
  end)
end)
