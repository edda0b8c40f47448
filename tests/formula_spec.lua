-- formula_spec.lua: cr.formula (syntax, habits, errors, limits), cr.links and cr.split
local cr = require "chainrule"
local m = math

local pts = {-1.3, -0.4, 0.3, 0.77, 1.9}

-- formula text and the same function written in Lua: equal at every point (or both NaN)
local function same (text, f, where)
  local e = cr.formula(text)
  assert(cr.isexpr(e), text .. " gave no Expr")
  for _, t in ipairs(where or pts) do
    H.assert_close(e(t), f(t), 1e-14, 1e-300, text .. " at " .. t)
  end
  return e
end

describe("cr.formula", function ()
  it("reads the Lua expression syntax in x", function ()
    same("x", function (x) return x end)
    same("(x^2 + 5)^3", function (x) return (x^2 + 5)^3 end)
    same("x - 2*x/3 + 1", function (x) return x - 2*x/3 + 1 end)
    same("-x^2", function (x) return -x^2 end)  -- powers bind tighter than minus, as in Lua
    same("2^-x", function (x) return 2^-x end)
    same("2^x^2", function (x) return 2^x^2 end)  -- right-associative
    same("--x", function (x) return - -x end)
    same("1/(1 + exp(-x))", function (x) return 1/(1 + m.exp(-x)) end)
    same("  x  *  sin( x )  ", function (x) return x * m.sin(x) end)
    same("1.5e-1*x + .5", function (x) return 0.15*x + 0.5 end)
    same("atan(x, 2)", function (x) return H.atan(x, 2) end)
    same("log(x^2 + 1, 10)", function (x) return H.log(x^2 + 1, 10) end)
    same("max(x, 0.5, -x)", function (x) return m.max(x, 0.5, -x) end)
  end)

  it("knows every function of cr.math, pi and e", function ()
    local names = require("chainrule.formula").names()
    assert.is_true(#names >= 30)
    local two = {fmod = true, mod = true, hypot = true, atan2 = true, pow = true}  -- mod: 5.1
    for _, name in ipairs(names) do
      local f = name == "ln" and m.log or cr.math[name]
      local text = two[name] and name .. "(x, 0.7)" or name .. "(x)"
      local e = cr.formula(text)
      for _, t in ipairs{0.3, 0.6} do
        local want = two[name] and f(t, 0.7) or f(t)
        H.assert_close(e(t), want, 1e-14, 1e-300, text)
      end
    end
    same("pi*x", function (x) return m.pi*x end)
    same("e*x", function (x) return m.exp(1)*x end)
    assert.equal(m.pi, cr.formula("pi").value)  -- pi is folded into a number
  end)

  it("accepts the habits people type", function ()
    same("3x", function (x) return 3*x end)
    same("3 x", function (x) return 3*x end)
    same("3x^2", function (x) return 3*x^2 end)  -- 3*(x^2), not (3x)^2
    same("2sin(x)", function (x) return 2*m.sin(x) end)
    same("2(x+1)", function (x) return 2*(x + 1) end)
    same("2pi*x", function (x) return 2*m.pi*x end)
    same("-4x + 1", function (x) return -4*x + 1 end)
    same("2e^x", function (x) return 2*m.exp(x) end)
    same("2e3x", function (x) return 2000*x end)  -- an exponent of the literal, not e
    same("ln(x)", function (x) return m.log(x) end, {0.3, 1.9})
    same("ln(x^2 + 1)", function (x) return m.log(x^2 + 1) end)
    assert.equal("exp(x)", tostring(cr.formula("e^x")))  -- e^u is exp(u): its own link
    assert.equal("exp(-x^2/2)", tostring(cr.formula("e^(-x^2/2)")))
    assert.equal("log(x)", tostring(cr.formula("ln(x)")))
    assert.equal("3*x^2", tostring(cr.formula("3x^2")))
  end)

  it("keeps the formula as typed (no reordering)", function ()
    assert.equal("sqrt(1 + sin(x)^2)", tostring(cr.formula("sqrt(1 + sin(x)^2)")))
    assert.equal("(x^2 + 5)^3", tostring(cr.formula("(x^2+5)^3")))
    assert.equal("5", tostring(cr.formula("2 + 3")))  -- constants fold
  end)

  it("leaves the simplification mode as it was, also after an error", function ()
    local before = {cr.core.expr_mode()}
    cr.formula("sin(x)^2 + 1")
    pcall(cr.formula, "sin(x) +")
    pcall(cr.formula, "y")
    assert.same(before, {cr.core.expr_mode()})
    local x = cr.symbol("x")
    assert.equal("x^2 + 1", tostring(1 + x^2))  -- full simplification still on
  end)

  it("says what is wrong and where", function ()
    local cases = {
      {"x +* 2", [[formula: unexpected '*' at column 4 in "x +* 2"]]},
      {"y", "formula: unknown name 'y' (the variable is x)"},
      {"", "formula: empty"},
      {"   \t ", "formula: empty"},
      {"x +", [[formula: unexpected end of formula at column 4 in "x +"]]},
      {"(x + 2", [[formula: missing ')' for the '(' at column 1 in "(x + 2"]]},
      {"sin(x + 2", [[formula: missing ')' for the '(' at column 4 in "sin(x + 2"]]},
      {"x + 2)", [[formula: unexpected ')' at column 6 in "x + 2)"]]},
      {"x $ 2", [[formula: unexpected '$' at column 3 in "x $ 2"]]},
      {"x · 2", [[formula: unexpected '·' at column 3 in "x · 2"]]},
      {"x(x + 1)", [[formula: unexpected '(' at column 2 in "x(x + 1)"]]},  -- only numbers multiply by juxtaposition
      {"x 2", [[formula: unexpected '2' at column 3 in "x 2"]]},
      {"2^3x", [[formula: unexpected 'x' at column 4 in "2^3x"]]},  -- 2^(3x) or 2^3*x: not guessed
      {"sin x", "formula: sin is a function: write sin(...) at column 1"},
      {"sin(x, 2)", "formula: sin takes 1 argument, got 2 (column 1)"},
      {"sin()", "formula: sin takes 1 argument, got 0 (column 1)"},
      {"fmod(x)", "formula: fmod takes 2 arguments, got 1 (column 1)"},
      {"atan(x, 1, 2)", "formula: atan takes 1 to 2 arguments, got 3 (column 1)"},
      {"1e999*x", [[formula: number 1e999 is too large at column 1 in "1e999*x"]]},
      {"random(x)", "formula: unknown name 'random' (the variable is x)"},
      {"X", "formula: unknown name 'X' (the variable is x)"},
    }
    for _, c in ipairs(cases) do
      local ok, err = pcall(cr.formula, c[1])
      assert.is_false(ok, c[1])
      assert.equal(c[2], err)
    end
    H.checkerr("bad argument #1 to 'formula' (string expected, got nil)", cr.formula, nil)
    H.checkerr("bad argument #1 to 'formula' (string expected, got no value)", cr.formula)
    H.checkerr("bad argument #1 to 'formula' (string expected, got number)", cr.formula, 3)
    H.checkerr("bad argument #2 to 'formula' (no more than 1 argument expected)", cr.formula, "x", 2)
  end)

  describe("is no code: it reaches nothing outside", function ()
    it("refuses os, io, require, load and string", function ()
      local cases = {
        {"os.exit()", "os"}, {"io.open('/etc/passwd')", "io"}, {"require 'os'", "require"},
        {"load('return 1')()", "load"}, {"dofile('/dev/zero')", "dofile"},
        {"string.rep('x', 2^40)", "string"}, {"_G", "_G"}, {"_ENV", "_ENV"},
        {"collectgarbage()", "collectgarbage"}, {"math.sin(x)", "math"},
        {"debug.sethook()", "debug"},
      }
      for _, c in ipairs(cases) do
        local ok, err = pcall(cr.formula, c[1])
        assert.is_false(ok)
        assert.equal(("formula: unknown name '%s' (the variable is x)"):format(c[2]), err)
      end
      -- statements and other Lua syntax are not formulas either
      H.checkerr([[formula: unexpected 'end' ]], cr.formula, "x end")  -- a name: unknown
    end)

    it("stops at a length and a nesting limit, fast and small", function ()
      local t0, mem0 = os.clock(), collectgarbage("count")
      local ok, err = pcall(cr.formula, ("("):rep(100000))
      assert.is_false(ok)
      assert.equal("formula: too long (100000 characters, at most 1000)", err)
      ok, err = pcall(cr.formula, ("x+"):rep(5e6) .. "x")
      assert.equal("formula: too long (10000001 characters, at most 1000)", err)
      ok, err = pcall(cr.formula, ("("):rep(150) .. "x" .. (")"):rep(150))
      assert.equal("formula: nested too deeply (more than 100 levels) at column 101", err)
      ok, err = pcall(cr.formula, ("-"):rep(200) .. "x")
      assert.equal("formula: nested too deeply (more than 100 levels) at column 101", err)
      ok, err = pcall(cr.formula, ("sin("):rep(120) .. "x" .. (")"):rep(120))
      assert.equal("formula: nested too deeply (more than 100 levels) at column 404", err)
      ok, err = pcall(cr.formula, ("x^"):rep(300) .. "x")
      assert.equal("formula: nested too deeply (more than 100 levels) at column 202", err)
      assert.is_true(os.clock() - t0 < 2, "limits took too long")
      collectgarbage()
      assert.is_true(collectgarbage("count") - mem0 < 4096, "limits kept memory")
      -- within the limits: 99 levels and 999 characters are fine
      same(("("):rep(99) .. "x" .. (")"):rep(99), function (x) return x end)
      same("x" .. ("+x"):rep(499), function (x) return 500*x end)
    end)
  end)
end)

-- formula, its links outermost first, and the split at depth 1
local chains = {
  {"sqrt(1 + sin(x)^2)", {"sqrt(u)", "1 + u", "u^2", "sin(u)"}, "sqrt(u)", "1 + sin(x)^2"},
  {"(x^2 + 5)^3", {"u^3", "u + 5", "u^2"}, "u^3", "x^2 + 5"},
  {"sin(x^2)", {"sin(u)", "u^2"}, "sin(u)", "x^2"},
  {"sin(x)^2", {"u^2", "sin(u)"}, "u^2", "sin(x)"},
  {"e^(-x^2/2)", {"exp(u)", "u/2", "-u", "u^2"}, "exp(u)", "-x^2/2"},
  {"ln(1 + x^2)", {"log(u)", "1 + u", "u^2"}, "log(u)", "1 + x^2"},
  {"1/(1 + e^(-x))", {"1/u", "1 + u", "exp(u)", "-u"}, "1/u", "1 + exp(-x)"},
  {"2sin(3x)", {"2*u", "sin(u)", "3*u"}, "2*u", "sin(3*x)"},
  {"cos(2x + 1)", {"cos(u)", "u + 1", "2*u"}, "cos(u)", "2*x + 1"},
  {"sqrt(x)^3", {"u^3", "sqrt(u)"}, "u^3", "sqrt(x)"},
  {"tan(sqrt(x))", {"tan(u)", "sqrt(u)"}, "tan(u)", "sqrt(x)"},
  {"exp(sin(cos(x)))", {"exp(u)", "sin(u)", "cos(u)"}, "exp(u)", "sin(cos(x))"},
  {"2^(x^2)", {"2^u", "u^2"}, "2^u", "x^2"},
  {"(3x - 1)^-2", {"u^(-2)", "u - 1", "3*u"}, "u^(-2)", "3*x - 1"},
  {"atan(1/x)", {"atan(u)", "1/u"}, "atan(u)", "1/x"},
  {"abs(x - 1)^0.5", {"u^0.5", "abs(u)", "u - 1"}, "u^0.5", "abs(x - 1)"},
  {"sigmoid(4x - 2)", {"sigmoid(u)", "u - 2", "4*u"}, "sigmoid(u)", "4*x - 2"},
  {"log(x^2 + 1, 10)", {"log10(u)", "u + 1", "u^2"}, "log10(u)", "x^2 + 1"},
  {"-cosh(x)^2", {"-u", "u^2", "cosh(u)"}, "-u", "cosh(x)^2"},
  {"sin(x*sin(x))", {"sin(u)", "u*sin(u)"}, "sin(u)", "x*sin(x)"},
  {"(1 + x*cos(x))^2", {"u^2", "1 + u", "u*cos(u)"}, "u^2", "1 + x*cos(x)"},
  {"sqrt(4 - x^2)/2", {"u/2", "sqrt(u)", "4 - u", "u^2"}, "u/2", "sqrt(4 - x^2)"},
  {"max(0, x^3 - x)", {"max(0, u)", "u^3 - u"}, "max(0, u)", "x^3 - x"},
}

local ppts = {0.21, 0.5, 0.83, 1.37}

describe("cr.links", function ()
  it("walks the chain outermost first, constants folded into each link", function ()
    for _, c in ipairs(chains) do
      local L = cr.links(cr.formula(c[1]))
      local got = {}
      for i, l in ipairs(L) do
        got[i] = tostring(l)
        assert.same({"u"}, l:vars(), c[1] .. " link " .. i)
      end
      assert.same(c[2], got, c[1])
      -- the links composed, innermost first, give h back at every point
      local h = cr.formula(c[1])
      for _, t in ipairs(ppts) do
        local v = t
        for i = #L, 1, -1 do v = L[i]:eval{u = v} end
        H.assert_close(v, h(t), 1e-13, 1e-300, c[1] .. " links at " .. t)
      end
    end
  end)

  it("takes strings, and says when there is no chain", function ()
    assert.same({"sqrt(u)", "1 + u", "u^2", "sin(u)"}, (function ()
      local t = {}
      for i, l in ipairs(cr.links("sqrt(1 + sin(x)^2)")) do t[i] = tostring(l) end
      return t
    end)())
    assert.same({}, cr.links("x"))
    assert.same({}, cr.links("5"))
    assert.equal(1, #cr.links("x*sin(x)"))
    assert.equal("u*sin(u)", tostring(cr.links("x*sin(x)")[1]))
    H.checkerr("formula: unknown name 'y' (the variable is x)", cr.links, "sin(y)")
    H.checkerr("bad argument #1 to 'links' (chainrule.Expr or formula string expected, got nil)",
      cr.links, nil)
    H.checkerr("bad argument #1 to 'links' (chainrule.Expr or formula string expected, got table)",
      cr.links, {})
    H.checkerr("bad argument #2 to 'links' (no more than 1 argument expected)", cr.links, "x", 2)
  end)

  it("walks a chain of 20000 links without deep recursion", function ()
    local x, e = cr.symbol("x"), nil
    e = x
    for _ = 1, 20000 do e = cr.math.sin(e) end
    local L = cr.links(e)
    assert.equal(20000, #L)
    assert.equal("sin(u)", tostring(L[20000]))
  end)

  it("works on Exprs built by operators, not only on formulas", function ()
    local x = cr.symbol("x")
    local L = cr.links(cr.math.exp(3*x))
    assert.equal("exp(u)", tostring(L[1]))
    assert.equal("3*u", tostring(L[2]))
  end)
end)

describe("cr.split", function ()
  it("splits h into outer(u) and inner(x) with outer(inner(x)) = h", function ()
    for _, c in ipairs(chains) do
      local h = cr.formula(c[1])
      local outer, inner = cr.split(h)
      assert.equal(c[3], tostring(outer), c[1])
      assert.equal(c[4], tostring(inner), c[1])
      -- every depth the chain allows
      for d = 1, #cr.links(h) - 1 do
        outer, inner = cr.split(c[1], d)
        assert.same({"u"}, outer:vars())
        for _, t in ipairs(ppts) do
          H.assert_close(outer:eval{u = inner(t)}, h(t), 1e-13, 1e-300, c[1] .. " depth " .. d)
          H.assert_close(outer(inner)(t), h(t), 1e-13, 1e-300, c[1] .. " depth " .. d)
        end
      end
    end
  end)

  it("goes deeper with depth", function ()
    local o, i = cr.split("(x^2 + 5)^3", 2)
    assert.equal("(u + 5)^3", tostring(o))
    assert.equal("x^2", tostring(i))
    o, i = cr.split("sqrt(1 + sin(x)^2)", 3)
    assert.equal("sqrt(1 + u^2)", tostring(o))
    assert.equal("sin(x)", tostring(i))
  end)

  it("says why a function is no composition", function ()
    local cases = {
      {"x*sin(x)", "h(x) = x*sin(x) is a product of two functions of x, not a composition f(g(x))"},
      {"x + sin(x)", "h(x) = x + sin(x) is a sum of two functions of x, not a composition f(g(x))"},
      {"x - cos(x)", "h(x) = x - cos(x) is a difference of two functions of x, not a composition f(g(x))"},
      {"sin(x)/x", "h(x) = sin(x)/x is a quotient of two functions of x, not a composition f(g(x))"},
      {"x^x", "h(x) = x^x is a power of two functions of x, not a composition f(g(x))"},
      {"sin(x)", "h(x) = sin(x) is one elementary function of x, not a composition f(g(x))"},
      {"3x", "h(x) = 3*x is one elementary function of x, not a composition f(g(x))"},
      {"x", "h(x) = x is the variable itself, not a composition f(g(x))"},
      {"2 + 3", "h(x) = 5 is a constant, not a composition f(g(x))"},
    }
    for _, c in ipairs(cases) do
      local o, why = cr.split(c[1])
      assert.is_nil(o, c[1])
      assert.equal(c[2], why)
    end
  end)

  it("checks its arguments", function ()
    H.checkerr("bad argument #2 to 'split' (depth must be 1 to 2 for (x^2 + 5)^3, got 3)",
      cr.split, "(x^2 + 5)^3", 3)
    H.checkerr("bad argument #2 to 'split' (depth must be 1 to 2 for (x^2 + 5)^3, got 0)",
      cr.split, "(x^2 + 5)^3", 0)
    H.checkerr("bad argument #2 to 'split' (depth must be an integer, got 1.5)",
      cr.split, "(x^2 + 5)^3", 1.5)
    H.checkerr("bad argument #2 to 'split' (depth must be an integer, got string)",
      cr.split, "(x^2 + 5)^3", "2")
    H.checkerr("bad argument #1 to 'split' (chainrule.Expr or formula string expected, got boolean)",
      cr.split, true)
    H.checkerr("bad argument #3 to 'split' (no more than 2 arguments expected)", cr.split, "x", 1, 2)
    H.checkerr([[formula: unexpected '*' at column 4 in "x +* 2"]], cr.split, "x +* 2")
  end)
end)

describe("plot scripts from formulas (chainrule.plotformula) #viewer", function ()
  local ps = require "chainrule.plotscript"
  local pf = require "chainrule.plotformula"

  it("writes labels in textbook form", function ()
    local cases = {
      {"(x^2 + 5)^3", "(x² + 5)³"}, {"3*x^(-2)", "3x⁻²"}, {"2*(x + 1)", "2(x + 1)"},
      {"2*sin(3*x)", "2sin(3x)"}, {"x*sin(x)", "x·sin(x)"}, {"log(x)", "ln(x)"},
      {"x^2.5", "x^2.5"}, {"1e-05*x", "1e-05·x"}, {"x2*y", "x2·y"}, {"u^12", "u¹²"},
    }
    for _, c in ipairs(cases) do assert.equal(c[2], pf.textbook(c[1])) end
  end)

  it("turns {formula = ...} into the pieces of a script", function ()
    local spec = ps.validate{formula = "(x^2 + 5)^3", x = {-3, 3}}
    assert.is_function(spec.inner)
    assert.is_function(spec.outer)
    assert.equal("x² + 5", spec.labels.inner)
    assert.equal("u³", spec.labels.outer)
    for _, t in ipairs{-1.2, 0.4, 2} do
      assert.equal((t^2 + 5)^3, spec.outer(spec.inner(t)))
    end
    -- the pieces take duals and trace to Exprs like any script's
    local d = cr.derivative(function (x) return spec.outer(spec.inner(x)) end, 1.5)
    H.assert_close(d, 6 * 1.5 * 7.25^2, 1e-15)
    local m = ps.model(spec)
    assert.equal("h(x) = (x² + 5)³ = f(g(x)), split 1 of 2", m.title)
    assert.same({text = "(x^2 + 5)^3", depth = 1, nlinks = 3, chain = false}, m.formula)
    spec = ps.validate{formula = "x*sin(x)"}
    assert.is_function(spec.f)
    assert.equal("h(x) = x·sin(x) is a product of two functions of x, not a composition f(g(x))",
      spec.title)
  end)

  it("makes the same numbers as the Expr (the printed form reads back exactly)", function ()
    for _, c in ipairs(chains) do
      local h = cr.formula(c[1])
      local f = pf.tofn(h, "x")
      for _, t in ipairs(ppts) do assert.equal(h(t), f(t), c[1]) end
    end
  end)

  it("checks the fields of a formula script", function ()
    local cases = {
      {{formula = 3}, "s.lua: field 'formula' must be a string (got number)"},
      {{formula = "x^2", split = 1.5}, "s.lua: field 'split' must be an integer (got 1.5)"},
      {{formula = "x^2", chain = 1}, "s.lua: field 'chain' must be true or false in a formula script (got number)"},
      {{formula = "x^2", inner = print}, "s.lua: unknown field 'inner' in a formula script (known: chain, formula, split, title, x)"},
      {{formula = "sin(x^2)", split = 1, chain = true}, "s.lua: fields 'split' and 'chain' do not go together"},
      {{formula = "x +* 2"}, [[s.lua: formula: unexpected '*' at column 4 in "x +* 2"]]},
      {{formula = "(x^2 + 5)^3", split = 3}, "s.lua: formula: split must be 1 to 2 for (x² + 5)³ (got 3)"},
      {{formula = "x^2", x = {2, 1}}, "s.lua: field 'x' must be {min, max} with min < max"},
    }
    for _, c in ipairs(cases) do H.checkerr(c[2], ps.validate, c[1], "s.lua") end
  end)

  it("writes a script that reads back as the same view", function ()
    local text = pf.script({text = "sqrt(1 + sin(x)^2)", depth = 2, nlinks = 4, chain = false}, -1.5, 3.1)
    assert.equal('-- written by chainplot: a formula view (chainplot this file, or edit the formula)\n'
      .. 'return {\n  formula = "sqrt(1 + sin(x)^2)",\n  split = 2,\n  x = {-1.5, 3.1},\n}\n', text)
    local spec = ps.validate(load(text, "=w", "t", {})(), "w")
    assert.same({-1.5, 3.1}, spec.x)
    assert.equal("sqrt(1 + u)", spec.labels.outer)
    assert.equal("sin(x)²", spec.labels.inner)
    text = pf.script({text = 'x"', depth = 0, chain = true}, 1/3, 2)
    assert.truthy(text:find('formula = "x\\"",\n  chain = true,\n  x = {0.333333333333333', 1, true), text)
    assert.equal(1/3, load(text, "=w", "t", {})().x[1])
  end)
end)
