-- explain.lua: print the chain-rule walkthrough for a plot script or a Lua expression in x
--   lua5.4 scripts/explain.lua '(x^2 + 5)^3' 2
--   lua5.4 scripts/explain.lua plots/cubic.lua 2
local cr = require "chainrule"
local core = require "chainrule.core"
local unpack = require("chainrule.util").unpack
-- load(s, name, mode, env) and loadfile(path, mode, env) on Lua 5.1 and LuaJIT too
local load, loadfile = load, loadfile
if setfenv then
  local function withenv (f, err, env)
    if f and env then setfenv(f, env) end
    return f, err
  end
  local loadstring, loadfile1 = loadstring, loadfile
  load = function (s, name, _, env)
    local f, err = loadstring(s, name)
    return withenv(f, err, env)
  end
  loadfile = function (path, _, env)
    local f, err = loadfile1(path)
    return withenv(f, err, env)
  end
end

local usage = [[
usage: explain.lua EXPRESSION|PLOT.lua [X0]
  EXPRESSION  Lua syntax in x, with cr.math's functions by name: '(x^2 + 5)^3', 'exp(3*x)'
  PLOT.lua    a chainplot script returning {outer =, inner =}, {chain = {...}} or {f =}
  X0          also evaluate every step at x = X0
]]

local src, x0 = arg[1], arg[2]
if not src or src == "-h" or src == "--help" then io.stderr:write(usage) os.exit(src and 0 or 1) end
if x0 ~= nil then
  x0 = tonumber(x0)
  if not x0 then io.stderr:write("explain.lua: X0 must be a number\n") os.exit(1) end
end

local function fail (msg)
  io.stderr:write("explain.lua: ", msg, "\n")
  os.exit(1)
end

-- names resolve to cr.math first, so 'sin(x)' and 'math.sin(x)' both trace
local env = setmetatable({math = cr.math, cr = cr}, {__index = function (_, k)
  -- a stock math function copied into cr.math (atan2 on some builds) refuses symbols
  if cr.math[k] ~= nil and (cr.math[k] ~= math[k] or core.ops[k] == nil) then return cr.math[k] end
  if core.ops[k] ~= nil then return core.ops[k] end
  return _G[k]
end})

-- an expression's top operation as outer(u), applied to the one argument that holds x
local function split (e)
  local k, a, b = e:kind()
  if k == "const" or k == "var" then return nil end
  local dep = function (n) return cr.isexpr(n) and #n:vars() > 0 end
  local op = core.ops[k]
  if b == nil then return function (u) return op(u) end, a end
  if dep(a) and not dep(b) then return function (u) return op(u, b) end, a end
  if dep(b) and not dep(a) then return function (u) return op(a, u) end, b end
  return nil
end

local function explain_expr (e)
  if type(e) == "number" then e = core.expr_const(e) end
  if not cr.isexpr(e) then fail("the expression must give a number or an expression of x") end
  local outer, inner = split(e)
  if not outer then
    -- no single inner function: the top op mixes two functions of x (or x alone)
    print(("h(x) = %s  is not one function applied to another; h'(x) = %s"):format(
      tostring(e), tostring(cr.diff(e, cr.symbol("x")))))
    if x0 then print(("at x = %s:  h'(x) = %.14g"):format(x0, cr.diff(e, cr.symbol("x"))(x0))) end
    return
  end
  -- the outer piece as a symbolic function of u, so it prints as u^3 rather than a closure
  local u = cr.symbol("u")
  local fo = outer(u)
  cr.explain(function (t) return fo(t) end, function (t) return inner(t) end, x0)
end

local function params (t)
  local p = {}
  for k, v in pairs(t.params or {}) do p[k] = type(v) == "table" and v.value or v end
  return p
end

local function explain_plot (t)
  if type(t) ~= "table" then
    if type(t) == "function" then return explain_expr(t(cr.symbol("x"))) end
    return explain_expr(t)
  end
  local p = params(t)
  local function bind (f) return function (x) return f(x, p) end end
  if t.outer and t.inner then return cr.explain(bind(t.outer), bind(t.inner), x0) end
  if t.chain then  -- chainplot lists links innermost first
    local links = {}
    for i = #t.chain, 1, -1 do links[#links + 1] = bind(t.chain[i]) end
    if #links == 1 then return explain_expr(links[1](cr.symbol("x"))) end
    return cr.explain(cr.compose(unpack(links)), x0)
  end
  if t.f then
    local ok, e = pcall(bind(t.f), cr.symbol("x"))
    if not ok then fail("f cannot be traced symbolically: " .. tostring(e)) end
    return explain_expr(e)
  end
  fail("the plot script returns no outer/inner, chain or f")
end

if src:match("%.lua$") then
  local chunk, err = loadfile(src, "t", env)
  if not chunk then fail(err) end
  local ok, t = pcall(chunk)
  if not ok then fail(tostring(t)) end
  explain_plot(t)
else
  env.x = cr.symbol("x")
  local chunk, err = load("return " .. src, "=expression", "t", env)
  if not chunk then fail(err) end
  local ok, e = pcall(chunk)
  if not ok then fail(tostring(e)) end
  explain_expr(e)
end
