-- chainrule.reverse: gradient, jacobian, hessian, hvp and check over the C tape
local core = require "chainrule.core"

local type, select, getmetatable, error, pcall = type, select, getmetatable, error, pcall
local abs, max, huge = math.abs, math.max, math.huge
local isdual, isvar = core.isdual, core.isvar
local tape_new, tape_vars, tape_swap = core.tape_new, core.tape_vars, core.tape_swap
local tape_grad, tape_release = core.tape_grad, core.tape_release
local newtag, seed, coef = core.newtag, core.seed, core.coef

local util = require "chainrule.util"
local typename, scoped, raise, argerror = util.typename, util.scoped, util.raise, util.argerror
local unpack = util.unpack
local checkopts = util.checkopts

local M = {}

local function checkfunc (fname, f)
  if type(f) == "function" then return end
  local mt = getmetatable(f)
  if mt and mt.__call then return end
  argerror(fname, 1, "function expected, got " .. typename(f))
end

local function isnum (x)
  return type(x) == "number" or isdual(x)
end

-- the value of a number, dual or Var (a param the function closed over, say)
local function valueof (x)
  if isvar(x) then return x.value end
  return x
end

-- a key past the array part would be dropped without a word: {a = 1} is no empty array
local function onlyarray (fname, t, i)
  local n = #t
  for k in pairs(t) do
    if util.mtype(k) ~= "integer" or k < 1 or k > n then
      local key = type(k) == "string" and ("'" .. k .. "'") or tostring(k)
      argerror(fname, i, ("array of numbers expected, got a table with key %s: %s"):format(key,
        fname == "graph" and "named inputs take a table of names only"
          or "named inputs are supported by cr.graph only"))
    end
  end
end

-- the inputs as an array: the array form f(x), or the spread form f(a, b, c)
local function inputs (fname, first, ...)
  local n = select("#", ...)
  if type(first) == "table" and getmetatable(first) == nil then
    for i = 1, #first do
      if not isnum(first[i]) then
        argerror(fname, 2, ("array of numbers expected, got %s at index %d"):format(
          typename(first[i]), i))
      end
    end
    onlyarray(fname, first, 2)
    return first, #first, false, n
  end
  local xs = {first, ...}
  for i = 1, n + 1 do
    if not isnum(xs[i]) then
      argerror(fname, i + 1, "number or array expected, got " ..
        ((i <= n + 1) and typename(xs[i]) or "no value"))
    end
  end
  return xs, n + 1, true, 0
end

-- runs f on fresh Vars of a new tape; the tape is current only while f runs (not while it yields)
local function run (fname, f, xs, n, spread, traced)
  local T = tape_new(traced)
  local vars = tape_vars(T, xs)
  local ok, r
  if spread then ok, r = scoped(tape_swap, T, f, unpack(vars, 1, n))
  else ok, r = scoped(tape_swap, T, f, vars) end
  if not ok then
    tape_release(T)
    error(r, 0)
  end
  return T, r
end

local function checkresult (fname, r)
  if isvar(r) or isnum(r) then return end
  raise(("%s: function returned %s, expected a number, dual or Var"):format(
    fname, r == nil and "nil" or "a " .. typename(r)))
end

local function zeros (n)
  local z = {}
  for i = 1, n do z[i] = 0.0 end
  return z
end

-- the gradient of a Var result (zeros for a constant), then its value
local function grad_of (T, n, r)
  if isvar(r) then
    local g = tape_grad(r, T, n)
    return g, r.value
  end
  return zeros(n), r
end

-- gradient under the name of the public function that asked for it (hessian, hvp, check)
local function gradient (fname, f, ...)
  checkfunc(fname, f)
  if select("#", ...) == 0 then argerror(fname, 2, "number or array expected, got no value") end
  local xs, n, spread, extra = inputs(fname, ...)
  if extra > 0 then argerror(fname, 3, "no more than 2 arguments expected with an array") end
  local T, r = run(fname, f, xs, n, spread)
  if not (isvar(r) or isnum(r)) then
    tape_release(T)
    checkresult(fname, r)
  end
  local g, v = grad_of(T, n, r)
  tape_release(T)
  return g, v
end

--- gradient(f, x) or gradient(f, a, b, ...): the gradient array, then f's value.
function M.gradient (f, ...) return gradient("gradient", f, ...) end

-- named inputs {w = 0.5, b = 0}: their keys in a fixed order, and the values in that order
local function named (fname, t)
  local keys = {}
  for k in pairs(t) do
    if type(k) ~= "string" then
      argerror(fname, 2, ("array or table of named numbers expected, got a %s key"):format(type(k)))
    end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  local xs = {}
  for i, k in ipairs(keys) do
    if not isnum(t[k]) then
      argerror(fname, 2, ("number expected for input '%s', got %s"):format(k, typename(t[k])))
    end
    xs[i] = t[k]
  end
  return keys, xs
end

--- graph(f, x) or graph(f, a, b, ...) or graph(f, {name = x, ...}): f's computational graph
-- after one backward sweep: {nodes = {...}, inputs = {...}, output = k}, nodes in topological
-- order, each {op, value, adjoint, args, partials, label}.
function M.graph (f, ...)
  checkfunc("graph", f)
  if select("#", ...) == 0 then argerror("graph", 2, "number or table expected, got no value") end
  local first = ...
  local xs, n, spread, keys, call
  if type(first) == "table" and getmetatable(first) == nil and first[1] == nil
     and next(first) ~= nil then
    if select("#", ...) > 1 then argerror("graph", 3, "no more than 2 arguments expected with a table") end
    keys, xs = named("graph", first)
    n, spread = #xs, false
    call = function (vars)
      local t = {}
      for i, k in ipairs(keys) do t[k] = vars[i] end
      return f(t)
    end
  else
    local extra
    xs, n, spread, extra = inputs("graph", ...)
    if extra > 0 then argerror("graph", 3, "no more than 2 arguments expected with an array") end
    call = f
  end
  local T, r = run("graph", call, xs, n, spread, true)
  if not (isvar(r) or isnum(r)) then
    tape_release(T)
    checkresult("graph", r)
  end
  local ok, nodes, ins, out = pcall(core.tape_graph, r, T, n, keys)
  tape_release(T)
  if not ok then util.reraise(nodes) end
  if out == nil then  -- f gave a constant: the graph is that constant, beside the inputs
    out = #nodes + 1
    nodes[out] = {op = "const", value = core.value(r), adjoint = 1.0, args = {}, partials = {},
                  label = tostring(core.value(r))}
  end
  return {nodes = nodes, inputs = ins, output = out}
end

local function checkarray (fname, x, i)
  if type(x) ~= "table" or getmetatable(x) ~= nil then
    argerror(fname, i, "array expected, got " .. (x == nil and "nil" or typename(x)))
  end
  for k = 1, #x do
    if not isnum(x[k]) then
      argerror(fname, i, ("array of numbers expected, got %s at index %d"):format(
        typename(x[k]), k))
    end
  end
  onlyarray(fname, x, i)
end

local function copy (x, n)
  local c = {}
  for i = 1, n do c[i] = x[i] end
  return c
end

local function checkoutputs (fname, out)
  if type(out) ~= "table" or getmetatable(out) ~= nil then
    raise(("%s: function returned %s, expected an array"):format(
      fname, out == nil and "nil" or "a " .. typename(out)))
  end
  for k = 1, #out do
    if not (isvar(out[k]) or isnum(out[k])) then
      raise(("%s: output %d is a %s, expected a number, dual or Var"):format(
        fname, k, typename(out[k])))
    end
  end
end

--- jacobian(f, x): J[i][j] = d f_i / d x_j (rows per output), then f(x).
-- Reverse mode (one sweep per output) when outputs <= inputs, else forward
-- mode (one pass per input).
function M.jacobian (f, x, ...)
  checkfunc("jacobian", f)
  checkarray("jacobian", x, 2)
  if select("#", ...) > 0 then argerror("jacobian", 3, "no more than 2 arguments expected") end
  local n = #x
  local T, out = run("jacobian", f, x, n, false)
  if type(out) ~= "table" or getmetatable(out) ~= nil then tape_release(T) end
  checkoutputs("jacobian", out)
  local m = #out
  local J, val = {}, {}
  for i = 1, m do val[i] = isvar(out[i]) and out[i].value or out[i] end
  if m <= n then
    for i = 1, m do
      J[i] = isvar(out[i]) and tape_grad(out[i], T, n) or zeros(n)
    end
    tape_release(T)
    return J, val
  end
  tape_release(T)
  for i = 1, m do J[i] = {} end
  for j = 1, n do
    local t = newtag()
    local xs = copy(x, n)
    xs[j] = seed(x[j], t, 1)
    local o = f(xs)
    checkoutputs("jacobian", o)
    for i = 1, m do J[i][j] = coef(o[i], t) end
  end
  return J, val
end

--- hessian(f, x): the Hessian (forward over reverse: one gradient per column),
-- then the gradient and f(x).
function M.hessian (f, x, ...)
  checkfunc("hessian", f)
  checkarray("hessian", x, 2)
  if select("#", ...) > 0 then argerror("hessian", 3, "no more than 2 arguments expected") end
  local n = #x
  local H, g, v = {}, nil, nil
  for i = 1, n do H[i] = {} end
  for j = 1, n do
    local t = newtag()
    local xs = copy(x, n)
    xs[j] = seed(x[j], t, 1)
    local gj, vj = gradient("hessian", f, xs)
    for i = 1, n do H[i][j] = coef(gj[i], t) end
    if j == 1 then
      g = {}
      for i = 1, n do g[i] = coef(gj[i], t, 0) end
      v = coef(vj, t, 0)
    end
  end
  if n == 0 then return H, {}, (f({})) end
  return H, g, v
end

--- hvp(f, x, v): the Hessian-vector product H v with one gradient over duals,
-- then the gradient and f(x).
function M.hvp (f, x, v, ...)
  checkfunc("hvp", f)
  checkarray("hvp", x, 2)
  checkarray("hvp", v, 3)
  if #v ~= #x then
    argerror("hvp", 3, ("vector of length %d expected, got %d"):format(#x, #v))
  end
  if select("#", ...) > 0 then argerror("hvp", 4, "no more than 3 arguments expected") end
  local n, t = #x, newtag()
  local xs = {}
  for i = 1, n do xs[i] = seed(x[i], t, core.value(v[i])) end
  local g, val = gradient("hvp", f, xs)
  local hv, g0 = {}, {}
  for i = 1, n do
    hv[i] = coef(g[i], t)
    g0[i] = coef(g[i], t, 0)
  end
  return hv, g0, coef(val, t, 0)
end

local CHECK_OPTS = {eps = "number", atol = "number", rtol = "number"}
local CHECK_OPTS_ROWS = {eps = "number", atol = "number", rtol = "number", rows = "table"}

-- check for a compiled gradient G: its own gradient against central differences of G:value;
-- a data-batch G takes its rows as opts.rows
local function check_compiled (G, x, opts, ...)
  checkarray("check", x, 2)
  opts = checkopts("check", 3, opts, G.data and CHECK_OPTS_ROWS or CHECK_OPTS)
  if select("#", ...) > 0 then argerror("check", 4, "no more than 3 arguments expected") end
  local rows = opts.rows
  if G.data and rows == nil then argerror("check", 3, "rows expected (opts.rows) for a data-batch gradient") end
  local eps, atol, rtol = opts.eps or 1e-6, opts.atol or 1e-5, opts.rtol or 1e-3
  local n = #x
  if #x ~= G.n then argerror("check", 2, ("array of %d numbers expected, got %d"):format(G.n, #x)) end
  local function value (p) if rows then return G:value(p, rows) end return G:value(p) end
  local ok, g
  if rows then ok, g = pcall(G.gradient, G, x, rows) else ok, g = pcall(G.gradient, G, x) end
  if not ok then util.reraise(type(g) == "string" and g:gsub("to 'gradient'", "to 'check'") or g) end
  local ok, worst, report = true, 0.0, {}
  for i = 1, n do
    local xi = x[i]
    local h = eps * max(1.0, abs(xi))
    local p = copy(x, n)
    p[i] = xi + h
    local fp = value(p)
    p[i] = xi - h
    local fm = value(p)
    local num = (fp - fm) / ((xi + h) - (xi - h))
    local diff = abs(g[i] - num)
    local pass = diff <= atol + rtol * abs(num)
    local rel = diff / max(1.0, abs(num))
    if rel ~= rel then rel = huge end
    if not pass then ok = false end
    if rel > worst then worst = rel end
    report[i] = {index = i, analytic = g[i], numeric = num, error = rel, ok = pass}
  end
  return ok, worst, report
end

--- check(f, x [, opts]): compares the reverse-mode gradient with central
-- differences, as PyTorch's gradcheck: input i passes when
-- |analytic - numeric| <= atol + rtol * |numeric|.  Returns ok, the worst
-- relative error |analytic - numeric| / max(1, |numeric|), and a report.
function M.check (f, x, opts, ...)
  if core.isgradprog(f) then return check_compiled(f, x, opts, ...) end
  checkfunc("check", f)
  local spread = type(x) == "number"
  local xs = spread and {x} or x
  if not spread then checkarray("check", x, 2) end
  opts = checkopts("check", 3, opts, CHECK_OPTS)
  if select("#", ...) > 0 then argerror("check", 4, "no more than 3 arguments expected") end
  local eps, atol, rtol = opts.eps or 1e-6, opts.atol or 1e-5, opts.rtol or 1e-3
  local n = #xs
  local g
  if spread then g = gradient("check", f, xs[1]) else g = gradient("check", f, xs) end
  local function fval (p)
    local r
    if spread then r = f(p[1]) else r = f(p) end
    if not (isvar(r) or isnum(r)) then checkresult("check", r) end
    return core.value(valueof(r))
  end
  local ok, worst, report = true, 0.0, {}
  for i = 1, n do
    local xi = core.value(xs[i])
    local h = eps * max(1.0, abs(xi))
    local p = copy(xs, n)
    p[i] = xi + h
    local fp = fval(p)
    p[i] = xi - h
    local fm = fval(p)
    local num = (fp - fm) / ((xi + h) - (xi - h))
    local ana = core.value(g[i])
    local diff = abs(ana - num)
    local pass = diff <= atol + rtol * abs(num)
    local rel = diff / max(1.0, abs(num))
    if rel ~= rel then rel = huge end
    if not pass then ok = false end
    if rel > worst then worst = rel end
    report[i] = {index = i, analytic = ana, numeric = num, error = rel, ok = pass}
  end
  return ok, worst, report
end

--- zero_grad{p, ...}: sets .grad of every param in the array to 0.
function M.zero_grad (ps, ...)
  if type(ps) ~= "table" or getmetatable(ps) ~= nil then
    argerror("zero_grad", 1, "array of params expected, got " ..
      (ps == nil and "nil" or typename(ps)))
  end
  if select("#", ...) > 0 then argerror("zero_grad", 2, "no more than 1 argument expected") end
  for i = 1, #ps do
    local p = ps[i]
    if not isvar(p) or p.grad == nil then
      argerror("zero_grad", 1, ("param expected at index %d, got %s"):format(
        i, isvar(p) and "a Var that is not a param" or typename(p)))
    end
    p.grad = 0.0
  end
end

--- param(v): a leaf Var with .value and .grad, for the object API.
function M.param (v, ...)
  if type(v) ~= "number" then
    argerror("param", 1, "number expected, got " ..
      ((v == nil and select("#", ...) == 0) and "no value" or typename(v)))
  end
  if select("#", ...) > 0 then argerror("param", 2, "no more than 1 argument expected") end
  return core.param(v)
end

local function rethrow (ok, ...)
  if not ok then error((...), 0) end
  return ...
end

--- no_grad(fn, ...): runs fn(...) with Var operations computing values only.
function M.no_grad (fn, ...)
  if type(fn) ~= "function" then
    argerror("no_grad", 1, "function expected, got " .. (fn == nil and "nil" or typename(fn)))
  end
  return rethrow(scoped(core.nograd, true, fn, ...))
end

--- tapelimit([n]): the most nodes one tape may hold; sets it when n is given.
function M.tapelimit (n, ...)
  if n ~= nil and (util.mtype(n) ~= "integer" or n < 1 or n > 0x7fffffff) then
    argerror("tapelimit", 1, "integer between 1 and 2^31-1 expected, got " ..
      (type(n) == "number" and tostring(n) or typename(n)))
  end
  if select("#", ...) > 0 then argerror("tapelimit", 2, "no more than 1 argument expected") end
  return core.tapelimit(n)
end

M.isvar = isvar

return M
