-- chainrule.symbolic: symbols, compositions, the chain-rule explainer and compiled functions
local core = require "chainrule.core"
local util = require "chainrule.util"
local compile_n = require "chainrule.cgrad"
local typename, callable, scoped = util.typename, util.callable, util.scoped

local type, select, error, pcall, tostring = type, select, error, pcall, tostring
local getmetatable, setmetatable, ipairs = getmetatable, setmetatable, ipairs
local fmt, rep, concat = string.format, string.rep, table.concat

local isexpr = core.isexpr

-- the expression mode as one value for util.scoped: the level, plus 4 while compile traces
local function exprmode (m)
  local lv, tr = core.expr_mode(m % 4, m >= 4)
  return lv + (tr and 4 or 0)
end

local function argerr (i, fname, msg) util.argerror(fname, i, msg) end

--- raise(msg): a failed trace; a message that already names a place in the caller's f keeps it
local function failed (msg)
  if msg:match("^[^\n]-:%d+: ") then error(msg, 0) end
  util.raise(msg)
end

local function checkfn (v, i, fname, given)
  if not callable(v) then
    argerr(i, fname, "function expected, got " .. (given and typename(v) or "no value"))
  end
end

-- numbers print as Lua prints them, but without a trailing .0
local function num (x)
  if x == math.floor(x) and math.abs(x) < 1e15 then return fmt("%d", x) end
  return fmt("%.14g", x)
end

return function (M)
  M.symbol = core.symbol
  M.isexpr = isexpr
  M.array = core.array

  --- simplify([on]): whether operators on symbols simplify as they build; returns the old flag
  function M.simplify (on, ...)
    if select("#", ...) > 0 then argerr(2, "simplify", "no more than 1 argument expected") end
    local old = core.expr_mode()
    if on ~= nil then core.expr_mode(on and 2 or 0) end
    return old == 2
  end

  ---------------------------------------------------------------- named pieces

  local Fn = {__name = "chainrule.Fn"}
  Fn.__index = Fn
  function Fn.__call (self, x) return self.f(x) end
  function Fn.__tostring (self) return self.name end

  --- fn(f, name): f, callable as before, with a name the explainer uses
  function M.fn (f, name, ...)
    checkfn(f, 1, "fn", select("#", f) > 0)
    if type(name) ~= "string" or not name:match("^[%a_][%w_']*$") then
      argerr(2, "fn", "name expected, got " .. (type(name) == "string" and fmt("%q", name)
             or typename(name)))
    end
    if select("#", ...) > 0 then argerr(3, "fn", "no more than 2 arguments expected") end
    return setmetatable({f = f, name = name}, Fn)
  end

  ---------------------------------------------------------------- compositions

  local Comp = {__name = "chainrule.Composition"}
  Comp.__index = Comp

  -- links run innermost first; each may be a function, an Fn, an Expr or a composition
  function Comp.__call (self, x)
    local links = self.links
    for i = #links, 1, -1 do x = links[i](x) end
    return x
  end

  function Comp.__tostring (self)
    local names = {}
    for i, f in ipairs(self.links) do
      names[i] = (getmetatable(f) == Fn and f.name) or (isexpr(f) and tostring(f)) or "?"
    end
    return "composition " .. concat(names, " o ")
  end

  --- compose(f, g, ...): x -> f(g(...(x))), remembering its pieces
  function M.compose (...)
    local n = select("#", ...)
    local links = {...}
    if n < 2 then argerr(n + 1, "compose", "function expected, got no value") end
    for i = 1, n do checkfn(links[i], i, "compose", true) end
    local c = setmetatable({links = links}, Comp)
    if n == 2 then c.outer, c.inner = links[1], links[2] end
    return c
  end

  ---------------------------------------------------------------- the explainer

  local varnames = {"u", "v", "w", "s", "t", "p", "q", "r"}
  local fnames = {"f", "g", "h", "k", "m", "n", "p", "q"}

  -- a derivative printed as one factor of a product
  local function factor (e)
    local k, v = e:kind()
    if k == "add" or k == "sub" or k == "neg" or (k == "const" and v < 0) then
      return "(" .. tostring(e) .. ")"
    end
    return tostring(e)
  end

  -- trace one piece on a symbol; nil and the reason when it cannot be traced
  local function trace (f, var)
    local ok, r = pcall(f, var)
    if not ok then return nil, tostring(r) end
    if type(r) == "number" then return core.expr_const(r) end
    if not isexpr(r) then return nil, "it returned a " .. typename(r) end
    return r
  end

  local function numeric (steps, links, names, ins, outs, x0, why, bad)
    local lines, k = steps.lines, #links
    local x0given = x0 ~= nil
    x0 = x0 or 1
    local inner = {}
    for i = k, 1, -1 do inner[#inner + 1] = names[i] end
    lines[#lines + 1] = fmt("%s(x) = %s  with  %s given as Lua functions", steps.name,
      steps.form, concat(inner, ", "))
    lines[#lines + 1] = fmt("%s(%s) cannot be traced symbolically (%s); using numbers at x = %s%s",
      names[bad], ins[bad], why, num(x0), x0given and "" or " (no point given)")
    local vals, ders, v = {}, {}, x0
    for i = k, 1, -1 do
      local ok, d, fv = pcall(M.derivative, links[i], v)
      if not ok then util.relay(d, "^derivative: function returned", "explain: function returned") end
      ders[i] = M.value(d)
      vals[i] = M.value(fv)
      v = vals[i]
    end
    local parts, total = {}, 1
    for i = k, 2, -1 do parts[#parts + 1] = fmt("%s = %s", ins[i - 1], num(vals[i])) end
    for i = k, 1, -1 do
      parts[#parts + 1] = fmt("d%s/d%s = %s", outs[i], ins[i], num(ders[i]))
      total = total * ders[i]
    end
    parts[#parts + 1] = fmt("dy/dx = %s", num(total))
    lines[#lines + 1] = fmt("at x = %s:  %s", num(x0), concat(parts, ",  "))
    steps.numeric = true
    steps.x0 = x0
    steps.value = vals[1]
    steps.dydx = total
    steps.values = vals
    steps.derivs = ders
  end

  -- the symbolic steps of explain, once every piece traced
  local function describe (steps, k, names, ins, outs, exprs, derivs, syms, x0)
    local lines, hname, form = steps.lines, steps.name, steps.form
    local defs = {}
    for i = k, 1, -1 do
      defs[#defs + 1] = fmt("%s(%s) = %s", names[i], ins[i], tostring(exprs[i]))
    end
    lines[1] = fmt("%s(x) = %s  with  %s", hname, form, concat(defs, ",  "))
    for i = k, 1, -1 do
      lines[#lines + 1] = fmt("d%s/d%s = %s'(%s) = %s", outs[i], ins[i], names[i], ins[i],
                              tostring(derivs[i]))
    end
    local chain, facs = {}, {}
    for i = 1, k do
      chain[i] = fmt("d%s/d%s", outs[i], ins[i])
      facs[i] = factor(derivs[i])
    end
    lines[#lines + 1] = fmt("dy/dx = %s = %s", concat(chain, " * "), concat(facs, " * "))
    -- substitute each variable by its expression in x, innermost first
    local subs, cur = {}, syms[k]
    for i = k, 1, -1 do
      subs[i] = cur
      cur = exprs[i]:subst(syms[i], cur)
    end
    local total = 1
    for i = 1, k do total = total * derivs[i]:subst(syms[i], subs[i]) end
    if type(total) == "number" then total = core.expr_const(total) end
    local where = {}
    for i = 1, k - 1 do where[i] = fmt("%s = %s", ins[i], tostring(subs[i])) end
    local ts = tostring(total)
    lines[#lines + 1] = "      = " .. ts .. rep(" ", math.max(2, 25 - #ts))
                        .. "(" .. concat(where, ",  ") .. ")"
    steps.derivative = total
    steps.composite = cur
    for i = 1, k do
      steps.links[i] = {name = names[i], var = ins[i], out = outs[i], expr = exprs[i],
                        deriv = derivs[i], subst = subs[i]}
    end
    if x0 ~= nil then
      local vals, dv, v = {}, {}, x0
      local parts, prod = {}, 1
      for i = k, 1, -1 do
        dv[i] = derivs[i]:eval{[ins[i]] = v}
        v = exprs[i]:eval{[ins[i]] = v}
        vals[i] = v
        prod = prod * dv[i]
      end
      for i = k, 2, -1 do parts[#parts + 1] = fmt("%s = %s", ins[i - 1], num(vals[i])) end
      for i = k, 1, -1 do parts[#parts + 1] = fmt("d%s/d%s = %s", outs[i], ins[i], num(dv[i])) end
      parts[#parts + 1] = fmt("dy/dx = %s", num(prod))
      lines[#lines + 1] = fmt("at x = %s:  %s", num(x0), concat(parts, ",  "))
      steps.x0, steps.value, steps.dydx, steps.values, steps.derivs = x0, vals[1], prod, vals, dv
    end
  end

  local EXPLAIN_OPTS = {out = "file", quiet = "boolean"}

  --- explain(outer, inner [, x0] [, opts]) or explain(composition [, x0] [, opts])
  function M.explain (a, ...)
    local links, rest
    if getmetatable(a) == Comp then
      links, rest = a.links, util.pack(...)
    else
      checkfn(a, 1, "explain", a ~= nil)
      local b = ...
      checkfn(b, 2, "explain", select("#", ...) > 0)
      links, rest = {a, b}, util.pack(select(2, ...))
    end
    local x0, opts = rest[1], rest[2]
    local at = getmetatable(a) == Comp and 2 or 3  -- the argument number of x0
    if type(x0) == "table" and opts == nil then x0, opts, at = nil, x0, at - 1 end
    if x0 ~= nil and type(x0) ~= "number" then
      argerr(at, "explain", "number expected, got " .. typename(x0))
    end
    if rest.n > 2 then argerr(at + 2, "explain", "no more than " .. (at + 1) .. " arguments expected") end
    opts = util.checkopts("explain", at + 1, opts, EXPLAIN_OPTS)
    local k = #links
    -- names: pieces outermost first; variables: ins[i] is the input of piece i
    local names, ins, outs = {}, {}, {}
    for i = 1, k do
      local f = links[i]
      names[i] = (getmetatable(f) == Fn and f.name) or (k == 2 and fnames[i])
                 or fnames[i] or ("f" .. i)
      ins[i] = (i == k) and "x" or (k == 2 and "u") or varnames[i] or ("u" .. i)
      outs[i] = (i == 1) and "y" or ins[i - 1]
    end
    local hname = "h"
    for i = 1, k do if names[i] == "h" then hname = "F" end end
    local form = "x"
    for i = k, 1, -1 do form = names[i] .. "(" .. form .. ")" end
    local steps = {lines = {}, name = hname, form = form, names = names, vars = ins, links = {}}
    local lines = steps.lines

    -- trace every piece on its own variable, with full simplification (only while tracing)
    local exprs, derivs, syms = {}, {}, {}
    local ok, bad, why = scoped(exprmode, 2, function ()
      for i = k, 1, -1 do
        syms[i] = core.symbol(ins[i])
        local e, err = trace(links[i], syms[i])
        if not e then return i, err end
        exprs[i] = e
        derivs[i] = M.diff(e, syms[i])
      end
    end)
    if not ok then error(bad, 0) end
    if bad then
      why = why:match("branches on its input") and "it branches on its input"
            or why:match("compare a symbolic") and "it branches on its input"
            or why:gsub("^[^:]*:%d+: ", "")
      numeric(steps, links, names, ins, outs, x0, why, bad)
    else
      ok, why = scoped(exprmode, 2, describe, steps, k, names, ins, outs, exprs, derivs, syms, x0)
      if not ok then error(why, 0) end
    end
    steps.text = concat(lines, "\n") .. "\n"
    if not opts.quiet then (opts.out or io.output()):write(steps.text) end  -- as io.write does
    return steps
  end

  ---------------------------------------------------------------- compiled functions

  -- when a function cannot be traced, the same interface answered per point by duals
  local fallback = require("chainrule.cfallback")(M)

  -- n, data and limit are for compiled gradients (chainrule.cgrad checks them)
  local COMPILE_OPTS = {order = "any", exact = "boolean", fallback = "boolean", n = "any",
                        data = "any", limit = "any"}

  --- compile(f [, opts]): trace f once; opts.order (1), opts.exact, opts.fallback
  function M.compile (f, opts, ...)
    checkfn(f, 1, "compile", f ~= nil or select("#", ...) > 0)
    opts = util.checkopts("compile", 2, opts, COMPILE_OPTS)
    if select("#", ...) > 0 then argerr(3, "compile", "no more than 2 arguments expected") end
    -- an inner trace would share the outer one's symbols and end its mode: x*y compiles to 1
    if select(2, core.expr_mode()) then
      util.raise("compile: cannot compile inside a function being compiled (compile the outer one only)")
    end
    if opts.n ~= nil or opts.data ~= nil then return compile_n(M, f, opts) end  -- many inputs
    local order = opts.order == nil and 1 or opts.order
    if util.mtype(order) ~= "integer" and not (type(order) == "number" and order == math.floor(order))
       or order < 0 or order > 8 then
      argerr(2, "compile", "order must be an integer from 0 to 8, got " .. tostring(order))
    end
    if opts.limit ~= nil then argerr(2, "compile", "limit applies with n, to compiled gradients") end
    local x = core.symbol("x")
    local ok, y = scoped(exprmode, 4, f, x)  -- no simplification, branches detected
    if ok and type(y) == "number" then y = core.expr_const(y)
    elseif ok and not isexpr(y) then
      ok, y = false, "compile: function returned a " .. typename(y) .. ", expected a number"
    end
    if not ok then
      if type(y) ~= "string" and not opts.fallback then error(y, 0) end  -- the caller's own error value
      local msg = tostring(y)
      if not msg:find("compile:", 1, true) then msg = "compile: " .. msg end
      if opts.fallback then
        return fallback(f, util.tointeger(order), msg)
      end
      failed(msg)
    end
    return core.prog(y, x, util.tointeger(order), not opts.exact)
  end
end
