-- mathcompat_spec.lua: cr.math against math on odd inputs, function by function (issue 16, item 7)
local cr = require "chainrule"
local cm = cr.math
local checkerr = H.checkerr

-- both are called through a field of a table (M.floor(...)) from the same line, so the
-- name in a message and its position are the same whenever the behaviour is
local function caller (M, name)
  return assert(load("local M = ... return function (...) return table.pack(M." .. name
                     .. "(...)) end", "=call"))(M)
end

-- a result as text that tells integer from float, -0.0 from 0.0, and every error message
local function show (ok, r)
  if not ok then return "error: " .. tostring(r) end
  local t = {}
  for i = 1, r.n do
    local v = r[i]
    if type(v) == "number" then t[i] = math.type(v) .. " " .. string.format("%.17g", v)
      .. (v == 0 and 1 / v < 0 and " (-0)" or "")
    elseif type(v) == "table" then t[i] = "a table"
    else t[i] = type(v) .. " " .. tostring(v) end
  end
  return "ok: " .. table.concat(t, ", ")
end

local odd = {0, 3, -7, 2.5, -0.0, 0/0, math.huge, -math.huge, math.maxinteger, math.mininteger,
             2^63, 1e308, "3", "2.5", " 0x10 ", "1e2", "-0", "abc", "", {}, true}
local NIL = {}  -- an explicit nil

-- every argument list of length 0..2 over the battery, with explicit nils; and some of 3
local function arglists ()
  local lists = {{n = 0}}
  local vals = {NIL}
  for _, v in ipairs(odd) do vals[#vals + 1] = v end
  local function real (v) if v == NIL then return nil end return v end
  for _, a in ipairs(vals) do
    lists[#lists + 1] = {real(a), n = 1}
    for _, b in ipairs(vals) do lists[#lists + 1] = {real(a), real(b), n = 2} end
  end
  for _, a in ipairs{1, "2", 0/0} do
    for _, b in ipairs(odd) do
      lists[#lists + 1] = {a, b, 3, n = 3}
      lists[#lists + 1] = {b, a, "x", n = 3}
      lists[#lists + 1] = {a, a, b, n = 3}
    end
  end
  return lists
end

describe("cr.math on plain values", function ()
  local names = {}
  for k, v in pairs(math) do if type(v) == "function" then names[#names + 1] = k end end
  table.sort(names)

  it("has every function of math", function ()
    for _, name in ipairs(names) do
      assert(type(cm[name]) == "function", "cr.math." .. name .. " is missing")
    end
  end)

  it("gives math's results and math's error messages for every function and odd input #lua54", function ()
    local lists, compared = arglists(), 0
    for _, name in ipairs(names) do
      local fm, fc = caller(math, name), caller(cm, name)
      local random = name == "random" or name == "randomseed"
      for _, args in ipairs(lists) do
        if random then math.randomseed(42) end
        local want = show(pcall(fm, table.unpack(args, 1, args.n)))
        if random then math.randomseed(42) end
        local got = show(pcall(fc, table.unpack(args, 1, args.n)))
        if want ~= got then
          local shown = {}
          for i = 1, args.n do
            local v = args[i]
            shown[i] = type(v) == "string" and ("%q"):format(v) or tostring(v)
          end
          error(("%s(%s):\n  math:    %s\n  cr.math: %s"):format(name, table.concat(shown, ", "),
                want, got))
        end
        compared = compared + 1
      end
    end
    math.randomseed()
    assert.is_true(compared > 10000)
  end)

  it("takes numeric strings where math does #lua53", function ()
    assert.are.equal(math.fmod(1000, "2"), cm.fmod(1000, "2"))
    assert.are.equal(0.0, cm.fmod(1000, "2"))
    assert.are.equal(3, cm.floor("3.5"))
    assert.are.equal("integer", math.type(cm.floor("3.5")))
    assert.are.equal(4, cm.ceil("3.5"))
    assert.are.equal(math.deg(1), cm.deg("1"))
    assert.are.equal(3, (cm.modf("3.5")))
    assert.are.equal(8.0, cm.ldexp("1", "3"))
    assert.are.equal(3, cm.log(8, "2"))
    assert.are.equal(H.atan(1, 2), cm.atan(1, "2"))
  end)

  it("has atan2 as math.atan(y [, x = 1])", function ()
    assert.are.equal(math.atan(1), cm.atan2(1))
    assert.are.equal(H.atan(1, 2), cm.atan2(1, 2))
    assert.are.equal(math.atan(1), cm.atan2(1, nil))
    checkerr("bad argument #1 to 'atan2' (number expected, got no value)", cm.atan2)
  end)

  it("says 'no value' for a missing argument and names the function whatever the caller calls it", function ()
    local fmod, floor, max = cm.fmod, cm.floor, cm.max
    checkerr("bad argument #2 to 'fmod' (number expected, got no value)", function () return fmod(1) end)
    checkerr("bad argument #2 to 'fmod' (number expected, got nil)", function () return fmod(1, nil) end)
    checkerr("bad argument #1 to 'floor' (number expected, got no value)", function () return floor() end)
    checkerr("bad argument #1 to 'floor' (number expected, got string)", function () return floor("x") end)
    checkerr("bad argument #1 to 'max' (value expected)", function () return max() end)
    checkerr("bad argument #2 to 'ldexp' (number has no integer representation)", cm.ldexp, 1, 1.5)
    checkerr("bad argument #2 to 'fmod' (zero)", cm.fmod, 1, 0)
  end)
end)

describe("cr.math on chainrule values with odd companions", function ()
  local d = cr.dual
  it("takes numeric strings beside a dual where math takes them", function ()
    local v = cm.fmod(d(1000), "3")
    assert.are.equal(1, cr.value(v))
    assert.are.equal(1, cr.deriv(v))
    assert.are.equal(-333, cr.deriv(cm.fmod("1000", d(3))))
    -- a numeric string gives what its number gives
    local pairs_ = {
      {cm.log(d(8), "2"), cm.log(d(8), 2)}, {cm.atan(d(1), "1"), cm.atan(d(1), 1)},
      {cm.pow(d(2), "3"), cm.pow(d(2), 3)}, {cm.ldexp(d(3), "2"), cm.ldexp(d(3), 2)},
      {cm.atan2(d(1)), cm.atan(d(1))}, {cm.log("8", d(2)), cm.log(8, d(2))},
    }
    for i, p in ipairs(pairs_) do
      assert.are.equal(cr.value(p[2]), cr.value(p[1]), "value " .. i)
      assert.are.equal(cr.deriv(p[2]), cr.deriv(p[1]), "derivative " .. i)
    end
    assert.are.equal(12, cr.deriv(cm.pow(d(2), "3")))
    assert.are.equal(4, cr.deriv(cm.ldexp(d(3), "2")))
    assert.are.equal(11, cr.gradient(function (x) return cm.fmod(x[1], "3") + cm.pow(x[1], "2") end, {5})[1])
  end)

  it("says 'no value' for a missing argument, with the caller's position #puc", function ()
    checkerr("bad argument #2 to 'fmod' (number expected, got no value)", cm.fmod, d(1))
    checkerr("bad argument #2 to 'fmod' (number expected, got nil)", cm.fmod, d(1), nil)
    checkerr("bad argument #2 to 'pow' (number expected, got no value)", cm.pow, d(1))
    checkerr("bad argument #2 to 'ldexp' (number expected, got no value)", cm.ldexp, d(1))
    checkerr("bad argument #2 to 'ldexp' (number has no integer representation)", cm.ldexp, d(1), 1.5)
    checkerr("bad argument #2 to 'log' (number expected, got string)", cm.log, d(1), "x")
    checkerr("bad argument #2 to 'max' (number expected, got string)", cm.max, d(1), "2")
    local ok, err = pcall(function () return cm.fmod(d(1)) end)
    assert.is_false(ok)
    assert(err:find("mathcompat_spec%.lua:%d+: bad argument #2 to 'fmod'"),
           "the message points at the caller: " .. err)
  end)

  it("ignores arguments past the ones a function reads, as math does", function ()
    assert.are.equal(2, cm.floor(2.5, d(1)))
    assert.are.equal(H.atan(1, 2), cm.atan(1, 2, d(1)))
  end)
end)
