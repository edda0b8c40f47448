-- chainrule.plotformula: a plot script made from a typed formula (its split, chain and labels)
local formula = require "chainrule.formula"
local util = require "chainrule.util"

local type, tostring, error, pcall, ipairs = type, tostring, error, pcall, ipairs
local fmt = string.format
local tname = util.typename

local M = {}

M.MAXLINKS = 4  -- the viewer's panels for links

local sup = {["0"] = "⁰", ["1"] = "¹", ["2"] = "²", ["3"] = "³", ["4"] = "⁴", ["5"] = "⁵",
             ["6"] = "⁶", ["7"] = "⁷", ["8"] = "⁸", ["9"] = "⁹", ["-"] = "⁻"}

--- textbook(s): an Expr's Lua text as a textbook writes it: x² + 5, 3x, 2sin(3x), x·sin(x), ln(x)
function M.textbook (s)
  s = s:gsub("%^%((%-%d+)%)", "^%1")              -- x^(-2): the exponent is a plain integer
  s = s:gsub("%^(%-?%d+)([%.e]?)", function (n, after)
    if after ~= "" then return nil end            -- x^2.5 and 2^1e3 keep their caret
    return (n:gsub(".", sup))
  end)
  -- a coefficient before a name or a parenthesis is written next to it, not with a sign
  local src = s
  s = s:gsub("()([%d.]+)%*([%a(])", function (at, num, nxt)
    local prev = src:sub(at - 1, at - 1)
    if prev:match("[%w._]") or (prev == "-" and src:sub(at - 2, at - 2):match("[eE]")) then
      return nil  -- part of a name or of 1e-05
    end
    return num .. nxt
  end)
  s = s:gsub("%*", "·")
  s = s:gsub("%f[%w]log%(", "ln(")
  return s
end

local function tb (e) return M.textbook(tostring(e)) end

-- every name an Expr prints (cr.math's and the op table's), as functions that take any number type
local ops, crmath = require("chainrule.core").ops, require "chainrule.math"
local fenv = setmetatable({}, {__index = function (_, k) return crmath[k] or ops[k] end,
                               __newindex = function () error("read-only", 2) end})

--- tofn(e, var): e as a Lua function of var, for numbers, duals, Taylor series and symbols alike.
-- The text is the Expr's own printed form (it reads back as Lua), never what the user typed.
function M.tofn (e, var)
  local chunk = assert(load(fmt("return function (%s) return %s end", var, tostring(e)),
                            "=formula", "t", fenv))
  return chunk()
end

-- the fields a formula script may have
local fields = {formula = true, split = true, chain = true, x = true, title = true}

--- isformula(spec): the spec names a formula instead of functions
function M.isformula (spec)
  return type(spec) == "table" and spec.formula ~= nil
end

--- expand(spec [, where]): spec {formula = , split = , chain = , x = } as the script fields the
-- viewer draws: inner/outer, chain or f, with labels; info = {text, depth, nlinks, chain, note}
function M.expand (spec, where)
  local pre = where and (where .. ": ") or ""
  for k in pairs(spec) do
    if not fields[k] then
      error(fmt("%sunknown field '%s' in a formula script (known: chain, formula, split, title, x)",
        pre, tostring(k)), 0)
    end
  end
  if type(spec.formula) ~= "string" then
    error(fmt("%sfield 'formula' must be a string (got %s)", pre, tname(spec.formula)), 0)
  end
  local depth = spec.split
  if depth ~= nil and math.type(depth) ~= "integer" then
    error(fmt("%sfield 'split' must be an integer (got %s)", pre, type(depth) == "number"
      and tostring(depth) or tname(depth)), 0)
  end
  if spec.chain ~= nil and type(spec.chain) ~= "boolean" then
    error(fmt("%sfield 'chain' must be true or false in a formula script (got %s)", pre,
      tname(spec.chain)), 0)
  end
  local ok, h = pcall(formula.formula, spec.formula)
  if not ok then error(pre .. h, 0) end
  local L, N = formula.chain(h)
  local n = #L
  local hs = tb(h)
  local out = {x = spec.x}
  local info = {text = spec.formula, nlinks = n, chain = spec.chain or false, depth = 0}
  if n <= 1 then  -- no composition: f alone, and the reason where the title goes
    local _, why = formula.split(h)
    if depth ~= nil and depth ~= 1 then
      error(fmt("%sformula: %s: there is no split", pre, why), 0)
    end
    out.f = M.tofn(h, "x")
    out.labels = {f = hs}
    out.title = spec.title or M.textbook(why)
    info.note = why
    return out, info
  end
  if spec.chain then
    if depth ~= nil then error(pre .. "fields 'split' and 'chain' do not go together", 0) end
    -- outermost links as they are; the innermost ones merged into one function of x
    local k = math.min(n, M.MAXLINKS)
    local pieces, labels = {}, {}
    local vars = {"x", "u", "v", "w"}  -- the viewer's names of each link's input
    local inner = N[k]
    pieces[1] = M.tofn(inner, "x")
    labels[1] = tb(inner)
    for i = k - 1, 1, -1 do
      local link = L[i]
      pieces[k - i + 1] = M.tofn(link, "u")
      labels[k - i + 1] = M.textbook((tostring(link):gsub("%f[%w_]u%f[^%w_]", vars[k - i + 1])))
    end
    out.chain, out.labels = pieces, labels
    labels.composite = hs
    out.title = spec.title or fmt("h(x) = %s: %d links%s", hs, n,
      n > k and fmt(" (the innermost %d merged)", n - k + 1) or "")
    info.depth = k - 1
    return out, info
  end
  depth = depth or 1
  if depth < 1 or depth > n - 1 then
    error(fmt("%sformula: split must be 1 to %d for %s (got %d)", pre, n - 1, hs, depth), 0)
  end
  local outer, inner = formula.split(h, depth)
  out.inner = M.tofn(inner, "x")
  out.outer = M.tofn(outer, "u")
  out.labels = {inner = tb(inner), outer = tb(outer), composite = hs}
  out.title = spec.title or fmt("h(x) = %s = f(g(x)), split %d of %d", hs, depth, n - 1)
  info.depth = depth
  return out, info
end

-- a Lua string literal that reads back as s
local function quote (s) return fmt("%q", s) end

-- the shortest text that reads back as the same number
local function num (v)
  for _, f in ipairs{"%.6g", "%.10g", "%.15g"} do
    local t = fmt(f, v)
    if tonumber(t) == v then return t end
  end
  return fmt("%.17g", v)
end

--- script(info, x0, x1): the text of a plot script that reopens this formula view
function M.script (info, x0, x1)
  local lines = {
    "-- written by chainplot: a formula view (chainplot this file, or edit the formula)",
    "return {",
    "  formula = " .. quote(info.text) .. ",",
  }
  if info.chain then lines[#lines + 1] = "  chain = true,"
  elseif info.depth and info.depth > 1 then lines[#lines + 1] = fmt("  split = %d,", info.depth) end
  lines[#lines + 1] = fmt("  x = {%s, %s},", num(x0), num(x1))
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n") .. "\n"
end

return M
