-- chainrule.plotscript: loads, sandboxes and validates plot scripts and builds chainplot's model
local cr = require "chainrule"
local core = cr.core

local type, pairs, ipairs, error, tostring, select = type, pairs, ipairs, error, tostring, select
local getmetatable, setmetatable, load, pcall, next = getmetatable, setmetatable, load, pcall, next
local derivative, isdual, dvalue = core.derivative, core.isdual, core.value
local fmt = string.format
local huge = math.huge

local util = require "chainrule.util"
local read = require "chainrule.plotread"
local pf = require "chainrule.plotformula"
local tname, callable = util.typename, util.callable

local M = {}

-- ---------- sandbox ----------

local safe = {"assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "select",
              "tonumber", "tostring", "type", "rawequal", "rawget", "rawlen", "rawset",
              "setmetatable"}

local function copy (t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

-- a read-only view of a module table, so one script cannot change chainrule for the next
local proxies = setmetatable({}, {__mode = "k"})
local function readonly (t)
  local p = proxies[t]
  if p then return p end
  p = setmetatable({}, {
    __index = function (_, k)
      local v = t[k]
      if type(v) == "table" then return readonly(v) end
      return v
    end,
    __newindex = function (_, k)
      error(fmt("chainrule is read-only in the sandbox (assigning '%s')", tostring(k)), 2)
    end,
    __pairs = function ()
      return function (_, k)
        local nk, v = next(t, k)
        if type(v) == "table" then v = readonly(v) end
        return nk, v
      end, p, nil
    end,
    __len = function () return #t end,
    __metatable = false,
  })
  proxies[t] = p
  return p
end

-- the modules a sandboxed script may require
local sandboxed = {chainrule = true, ["chainrule.math"] = true}

--- env(trust): the globals a plot script sees. math is chainrule.math, so math.sin takes duals.
function M.env (trust)
  local env
  if trust then
    env = setmetatable({}, {__index = _G})
    env.math = cr.math
    env.chainrule = cr
    return env
  end
  env = {}
  for _, k in ipairs(safe) do env[k] = _G[k] end
  env.math = copy(cr.math)
  env.string = copy(string)
  env.string.dump = nil
  env.table = copy(table)
  env.utf8 = copy(utf8)
  env.chainrule = readonly(cr)
  env.getmetatable = function (v)  -- the string metatable would hand out the shared string table
    if type(v) == "string" then return nil end
    return getmetatable(v)
  end
  env.load = function (chunk, name, mode, e)  -- text only, never bytecode
    return load(chunk, name, "t", e or env)
  end
  env.print = function (...)
    local n, t = select("#", ...), {...}
    for i = 1, n do t[i] = tostring(t[i]) end
    io.stderr:write(table.concat(t, "\t", 1, n), "\n")
  end
  env.require = function (name)
    -- never chainrule.plot or .plotscript: they run programs, write files and build trusted envs
    if not sandboxed[name] then
      error(fmt("require '%s' is not allowed in the sandbox (only chainrule and chainrule.math; "
        .. "run with --trust)", tostring(name)), 2)
    end
    local m = package.loaded[name]
    if m == nil then
      if not package.searchpath(name, package.path) then  -- Lua files only, never C modules
        error(fmt("module '%s' not found", name), 2)
      end
      m = require(name)
    end
    return type(m) == "table" and readonly(m) or m
  end
  env._G = env
  return env
end

--- load(path [, trust]): runs the script and returns its validated table; errors name the file.
function M.load (path, trust)
  local f, err = io.open(path, "rb")
  if not f then error(err, 0) end
  local src = f:read("a")
  f:close()
  local chunk, lerr = load(src, "@" .. path, trust and "bt" or "t", M.env(trust))
  if not chunk then error(lerr, 0) end
  local spec = chunk()
  return M.validate(spec, path)
end

-- ---------- validation ----------

local known = {title = true, inner = true, outer = true, chain = true, f = true, x = true,
               labels = true, params = true}

-- what the viewer needs to know of a spec made from a formula: text, depth, nlinks, chain, note
local formulas = setmetatable({}, {__mode = "k"})

--- validate(spec [, where]): spec or an error naming the field and what was expected.
-- A spec with a formula field is expanded into inner/outer, chain or f first.
function M.validate (spec, where)
  local pre = where and (where .. ": ") or ""
  if pf.isformula(spec) then
    local out, info = pf.expand(spec, where)
    out = M.validate(out, where)
    formulas[out] = info
    return out
  end
  local function bad (field, expected, got)
    error(fmt("%sfield '%s' must be %s (got %s)", pre, field, expected, got), 0)
  end
  if type(spec) ~= "table" then
    error(fmt("%splot script must return a table (got %s)", pre, tname(spec)), 0)
  end
  for k in pairs(spec) do
    if not known[k] then
      error(fmt("%sunknown field '%s' (known: chain, f, inner, labels, outer, params, title, x)",
        pre, tostring(k)), 0)
    end
  end
  if spec.title ~= nil and type(spec.title) ~= "string" then bad("title", "a string", tname(spec.title)) end
  local modes = (spec.inner ~= nil or spec.outer ~= nil) and 1 or 0
  modes = modes + (spec.chain ~= nil and 1 or 0) + (spec.f ~= nil and 1 or 0)
  if modes == 0 then
    error(pre .. "plot script needs 'inner' and 'outer' functions, or 'chain' = {g1, g2, ...}, or 'f'", 0)
  elseif modes > 1 then
    error(pre .. "plot script must use only one of 'inner'/'outer', 'chain' or 'f'", 0)
  end
  if spec.inner ~= nil or spec.outer ~= nil then
    if not callable(spec.inner) then bad("inner", "a function g(x)", tname(spec.inner)) end
    if not callable(spec.outer) then bad("outer", "a function f(u)", tname(spec.outer)) end
  elseif spec.chain ~= nil then
    if type(spec.chain) ~= "table" then bad("chain", "a list of functions", tname(spec.chain)) end
    local n = #spec.chain
    if n < 2 or n > 4 then
      error(fmt("%sfield 'chain' must list 2 to 4 functions (got %d)", pre, n), 0)
    end
    for i = 1, n do
      if not callable(spec.chain[i]) then bad(fmt("chain[%d]", i), "a function", tname(spec.chain[i])) end
    end
  elseif not callable(spec.f) then
    bad("f", "a function f(x)", tname(spec.f))
  end
  do
    local k, r = "x", spec.x
    if r ~= nil then
      if type(r) ~= "table" then bad(k, "{min, max}", tname(r)) end
      if type(r[1]) ~= "number" then bad(k .. "[1]", "a number", tname(r[1])) end
      if type(r[2]) ~= "number" then bad(k .. "[2]", "a number", tname(r[2])) end
      if not (r[1] < r[2]) or r[2] - r[1] == math.huge then
        error(fmt("%sfield '%s' must be {min, max} with min < max, both finite (got {%s, %s})",
          pre, k, tostring(r[1]), tostring(r[2])), 0)
      end
    end
  end
  if spec.labels ~= nil then
    if type(spec.labels) ~= "table" then bad("labels", "a table of strings", tname(spec.labels)) end
    for k, v in pairs(spec.labels) do
      if type(v) ~= "string" then bad("labels." .. tostring(k), "a string", tname(v)) end
    end
  end
  if spec.params ~= nil then
    if type(spec.params) ~= "table" then bad("params", "a table of {value, min, max}", tname(spec.params)) end
    local n = 0
    for name, p in pairs(spec.params) do
      n = n + 1
      if type(name) ~= "string" then bad("params", "a table with string keys", "key " .. tname(name)) end
      local f = "params." .. name
      if type(p) ~= "table" then bad(f, "a table {value = , min = , max = }", tname(p)) end
      for _, k in ipairs{"value", "min", "max"} do
        if type(p[k]) ~= "number" then bad(f .. "." .. k, "a number", tname(p[k])) end
      end
      if not (p.min < p.max) or not (p.value >= p.min and p.value <= p.max) then
        error(fmt("%sfield '%s' needs min < max and min <= value <= max (got %s, %s, %s)",
          pre, f, tostring(p.min), tostring(p.value), tostring(p.max)), 0)
      end
    end
    if n > 8 then error(fmt("%sfield 'params' may hold at most 8 parameters (got %d)", pre, n), 0) end
  end
  return spec
end

--- fromformula(text [, depth [, chain]]): the validated spec of a formula view
function M.fromformula (text, depth, chain)
  return M.validate({formula = text, split = depth, chain = chain or nil})
end

-- ---------- the model chainplot draws ----------

local palette = {
  {31, 119, 180}, {148, 103, 189}, {140, 86, 75}, {255, 127, 14},  -- links, inner to outer
}
local C_H, C_DH, C_D2 = {44, 160, 44}, {214, 39, 40}, {148, 103, 189}

local floor = math.floor
local function light (c)
  return {floor((c[1] + 255) / 2), floor((c[2] + 255) / 2), floor((c[3] + 255) / 2)}
end

local function linkcolors (n)
  if n == 2 then return {palette[1], palette[4]} end
  if n == 3 then return {palette[1], palette[2], palette[4]} end
  return palette
end

local function num (v, who)
  if type(v) == "number" then return v end
  if isdual(v) then return dvalue(v) end
  error(fmt("%s returned a %s, expected a number", who, tname(v)), 0)
end

-- compiles fn(x, P) with the current params as constants; nil and the reason when it cannot
local function trycompile (fn, P, order, opts)
  if opts.compile == false then return nil, "compiling is off" end
  if opts.budget then opts.budget(true) end  -- a small instruction budget bounds the trace
  local ok, F = pcall(cr.compile, function (x) return fn(x, P) end, {order = order, exact = true})
  if opts.budget then opts.budget(false) end
  if ok then return F end
  F = tostring(F):gsub("compile: ", ""):gsub("; only branch%-free.*$", "")
  if F:find("script ran too long", 1, true) then F = "too long to trace" end
  return nil, F
end

--- model(spec [, path [, opts]]): panels, curves (t -> y closures), params and the cursor read-out.
-- Each piece is compiled ({exact = true}) when it can be: a curve then also carries stages,
-- {{F1, j1}, {F2, j2}, ...}, meaning output j of F1, fed to F2 and so on (j > 0: a derivative,
-- NaN where that stage's value is not finite). opts.compile = false keeps every piece on duals.
function M.model (spec, path, opts)
  opts = opts or {}
  local where = path and (path .. ": ") or ""
  local P, plist = {}, {}
  for name, p in pairs(spec.params or {}) do
    P[name] = p.value
    plist[#plist + 1] = {name = name, value = p.value, min = p.min, max = p.max}
  end
  table.sort(plist, function (a, b) return a.name < b.name end)
  local model = {title = spec.title or (path and path:match("([^/]+)$")) or "chainplot",
                 x = spec.x or {-5, 5}, params = plist, P = P, formula = formulas[spec]}
  function model.setparam (i, v)
    local p = plist[i]
    if p then
      p.value = math.max(p.min, math.min(p.max, v))
      P[p.name] = p.value
      if model.recompile then model.recompile() end  -- the params are constants in the trace
    end
  end
  local labels = spec.labels or {}
  -- a piece printed from its trace (params stay named): the label when the script gives none
  local function traced (fn, var)
    local SP = setmetatable({}, {__index = function (_, k)
      if P[k] ~= nil then return cr.symbol(k) end
    end})
    if opts.budget then opts.budget(true) end
    local ok, e = pcall(fn, cr.symbol(var), SP)
    if opts.budget then opts.budget(false) end
    if ok and (core.isexpr(e) or type(e) == "number") then
      local text = tostring(e)
      if #text <= 60 then return text end
    end
  end

  -- a checked piece: always a number or dual out
  local function piece (fn, who)
    return function (x)
      local v = fn(x, P)
      if type(v) == "number" or isdual(v) or core.istaylor(v) then return v end  -- f'' runs on a Taylor series
      error(fmt("%s%s returned a %s, expected a number", where, who, tname(v)), 0)
    end
  end
  local function valuefn (fn) return function (t) return num(fn(t)) end end
  -- a derivative where the function itself is undefined (log of a negative) is not drawn
  local function defined (d, v) if v == v and v ~= huge and v ~= -huge then return d end return 0 / 0 end
  -- curves stay on duals at every order: compiled sampling matches them bit for bit
  local derivative = core.derivative_duals
  local function derivfn (fn, n) return function (t) return defined(derivative(fn, t, n)) end end

  if spec.f then
    local F = piece(spec.f, "f")
    local lbl = labels.f or labels[1] or traced(spec.f, "x")
    model.panels = {
      {title = "f(x)" .. (lbl and (" = " .. lbl) or ""), axis = "x",
       curves = {{label = "f(x)", color = C_H, fn = valuefn(F)}}},
      {title = "f'(x)", axis = "x", curves = {{label = "f'(x)", color = C_DH, fn = derivfn(F, 1)}}},
      {title = "f''(x)", axis = "x", curves = {{label = "f''(x)", color = C_D2, fn = derivfn(F, 2)}}},
    }
    -- f'' needs order 2; the cursor's f''' stays on duals (order 3 is not bit-identical to them)
    function model.recompile ()
      local C, why = trycompile(spec.f, P, 2, opts)
      model.pieces = {{name = "f", compiled = C ~= nil, reason = why, size = C and C:size() or 0}}
      for j = 1, 3 do model.panels[j].curves[1].stages = C and {{C, j - 1}} or nil end
    end
    model.recompile()
    function model.cursor (x, width)
      local d = core.derivatives(F, x, 3)
      for i = 2, 4 do d[i] = defined(d[i], d[1]) end
      local dig = read.digits(x, width or (model.x[2] - model.x[1]))
      local function g (v) return read.num(v, dig) end
      local kind, dl, dr = read.sides(function (t) return (derivative(F, t)) end, x, width)
      if d[1] ~= d[1] then kind = "smooth" end
      local smooth = kind == "smooth" and d[2] == d[2] and math.abs(d[2]) ~= huge
      local v = {x = x, f = d[1], df = d[2], d2f = d[3], d3f = d[4], kind = kind, dl = dl, dr = dr}
      local text = fmt("x = %s   f(x) = %s   f'(x) = %s   f''(x) = %s", g(x), g(d[1]),
                       smooth and g(d[2]) or "undefined", smooth and g(d[3]) or "undefined")
      local why = read.verdict("f'", kind, dl, dr, dig)
      if why then text = text .. "\n" .. why end
      return {{t = x, marks = {{y = d[1], slope = smooth and d[2] or nil, undefined = not smooth}}},
              {t = x, marks = {{y = smooth and d[2] or 0 / 0, slope = smooth and d[3] or nil,
                                undefined = not smooth, yl = dl, yr = dr}}},
              {t = x, marks = {{y = smooth and d[3] or 0 / 0, slope = smooth and d[4] or nil}}}},
             text, v
    end
    return model
  end

  local fns = spec.chain or {spec.inner, spec.outer}
  local n = #fns
  local cols = linkcolors(n)
  local var = n == 2 and {"x", "u", "y"} or ({{"x", "u", "v", "y"}, {"x", "u", "v", "w", "y"}})[n - 2]
  local fname = n == 2 and {"g", "f"} or {"g1", "g2", "g3", "g4"}
  local L = {}
  for i = 1, n do L[i] = piece(fns[i], spec.chain and fmt("chain[%d]", i) or (i == 1 and "inner" or "outer")) end
  -- U[k](x) = u_k, the value after k links
  local U = {[0] = function (x) return x end}
  for k = 1, n do
    local prev, link = U[k - 1], L[k]
    U[k] = function (x) return link(prev(x)) end
  end
  local H = U[n]
  local panels = {}
  for k = 1, n do
    local lbl = spec.chain and labels[k] or (k == 1 and (labels.inner or labels[1]) or (labels.outer or labels[2]))
    lbl = lbl or traced(fns[k], var[k])
    local head = fmt("%s = %s(%s)", var[k + 1], fname[k], var[k])
    local p = {title = head .. (lbl and (" = " .. lbl) or ""), axis = var[k],
               curves = {{label = fmt("%s(%s)", fname[k], var[k]), color = cols[k], fn = valuefn(L[k])}}}
    if k > 1 then p.shade = valuefn(U[k - 1]) end
    panels[k] = p
  end
  local hname = fname[1] .. "(x)"
  for k = 2, n do hname = fname[k] .. "(" .. hname .. ")" end
  -- from the pieces themselves, so a stale title cannot mislabel h; labels.composite overrides
  local hlabel = labels.composite
    or traced(function (x, p) for k = 1, n do x = fns[k](x, p) end return x end, "x")
  panels[n + 1] = {title = "h(x) = " .. hname .. (hlabel and (" = " .. hlabel) or ""),
                   axis = "x", curves = {{label = "h(x)", color = C_H, fn = valuefn(H)}}}
  local dcurves = {{label = "h'(x)", color = C_DH, fn = derivfn(H, 1)}}
  local prod = {}
  for k = n, 1, -1 do
    local link, prev = L[k], U[k - 1]
    local lbl = k == 1 and fname[1] .. "'(x)" or fmt("%s'(%s)", fname[k], n == 2 and "g(x)" or var[k])
    dcurves[#dcurves + 1] = {label = lbl, color = light(cols[k]), light = true,
                             fn = function (x) return defined(derivative(link, prev(x))) end}
    prod[#prod + 1] = lbl
  end
  -- the factors on their own y axis: beside h' they would lie flat on 0
  panels[n + 2] = {title = "h'(x) = " .. table.concat(prod, " · "), axis = "x", curves = dcurves, axis2 = true}
  model.panels = panels

  -- compiled links C[k] and the composite CH: the same values and derivatives, bit for bit
  local C, CH = {}, nil
  function model.recompile ()
    local pieces = {}
    for k = 1, n do
      local why
      C[k], why = trycompile(fns[k], P, 1, opts)
      pieces[k] = {name = spec.chain and fmt("chain[%d]", k) or (k == 1 and "inner" or "outer"),
                   compiled = C[k] ~= nil, reason = why, size = C[k] and C[k]:size() or 0}
    end
    local all = true
    for k = 1, n do all = all and C[k] ~= nil end
    CH = all and trycompile(function (x, p) for k = 1, n do x = fns[k](x, p) end return x end, P, 1, opts)
         or nil
    model.pieces = pieces
    local function upto (k, last)  -- through links 1..k-1, then output last of link k
      local st = {}
      for i = 1, k do
        if not C[i] then return nil end
        st[i] = {C[i], i == k and last or 0}
      end
      return st
    end
    for k = 1, n do
      panels[k].curves[1].stages = C[k] and {{C[k], 0}} or nil
      if k > 1 then panels[k].shadestages = upto(k - 1, 0) end
    end
    panels[n + 1].curves[1].stages = upto(n, 0)
    dcurves[1].stages = CH and {{CH, 1}} or nil
    for k = n, 1, -1 do dcurves[n - k + 2].stages = upto(k, 1) end
  end
  model.recompile()

  local function at (k, t)  -- derivative and value of link k at t
    if C[k] then
      local v, dv = C[k]:eval(t)
      return dv, v
    end
    return derivative(L[k], t)
  end

  local function hprime (t)  -- h' at t, exact: the compiled composite or duals
    if CH then
      local _, dv = CH:eval(t)
      return dv
    end
    return (derivative(H, t))
  end

  function model.cursor (x, width)
    local u, d = {[0] = x}, {}
    for k = 1, n do d[k], u[k] = at(k, u[k - 1]) end
    local dh, h
    if CH then
      h, dh = CH:eval(x)
    else
      dh, h = derivative(H, x)
    end
    dh = defined(dh, h)
    for k = 1, n do d[k] = defined(d[k], u[k]) end
    local dig = read.digits(x, width or (model.x[2] - model.x[1]))
    local function g (v) return read.num(v, dig) end
    -- the truth at x0: a corner, an infinite factor, a side without a derivative
    local kind, dl, dr = read.sides(hprime, x, width)
    local inf, zero = false, false
    for k = 1, n do
      if d[k] == huge or d[k] == -huge or (d[k] ~= d[k] and u[k] == u[k]) then inf = true end
      if d[k] == 0 then zero = true end
    end
    if h ~= h then kind = "smooth" end  -- outside the domain: plainly undefined, said below
    local smooth = kind == "smooth" and not inf
    if kind == "infinite" then dh = dl end
    local out = {}
    for k = 1, n do out[k] = {t = u[k - 1], marks = {{y = u[k], slope = d[k]}}} end
    out[n + 1] = {t = x, marks = {{y = h, slope = smooth and dh or nil, undefined = not smooth}}}
    local m = {{y = smooth and dh or 0 / 0, undefined = not smooth, yl = dl, yr = dr}}
    for k = n, 1, -1 do m[#m + 1] = {y = d[k]} end
    out[n + 2] = {t = x, marks = m}
    -- x = 1.5   u = g(x) = 7.25   y = h(x0) = 381.1
    -- dy/dx = dy/du · du/dx = 157.7 · 3 = 473.1
    local parts = {"x = " .. g(x)}
    for k = 1, n - 1 do
      parts[#parts + 1] = fmt("%s = %s(%s) = %s", var[k + 1], fname[k], var[k], g(u[k]))
    end
    parts[#parts + 1] = "y = h(x0) = " .. g(h)
    local names, vals = {}, {}
    for k = 1, n do
      names[n + 1 - k] = fmt("d%s/d%s", var[k + 1], var[k])
      vals[n + 1 - k] = g(d[k])
    end
    local line = fmt("dy/dx = %s = %s", table.concat(names, " · "), table.concat(vals, " · "))
    if inf and zero then line = line .. ": the chain rule does not apply here"
    elseif not smooth and kind ~= "infinite" then line = line .. " (no derivative here)"
    else line = line .. " = " .. g(dh) end
    local lines = {table.concat(parts, "   "), line}
    local why = read.verdict("h'", kind, dl, dr, dig)
    if h ~= h then why = "h is undefined at x0 (outside its domain)"
    elseif inf and zero and not why then why = "h'(x0) = " .. g(dl) .. " from both sides" end
    lines[#lines + 1] = why
    return out, table.concat(lines, "\n"), {x = x, u = u, d = d, h = h, dh = dh, kind = kind, dl = dl, dr = dr}
  end
  return model
end

return M
