-- chainrule.graph: a function's computational graph as Graphviz DOT text
local reverse = require "chainrule.reverse"
local util = require "chainrule.util"

local type, error, fmt, concat = type, error, string.format, table.concat

local M = {}

local OPTIONS = {digits = "number", rankdir = "string", name = "string"}
local RANKDIRS = {LR = true, RL = true, TB = true, BT = true}

local function argerror (i, msg) util.argerror("dot", i, msg) end

-- a field of a record label: its own braces, bars, angle brackets and quotes escaped
local function field (s)
  return (s:gsub('[{}|<>"\\]', "\\%0"))
end

local function checkopts (opts)
  opts = util.checkopts("dot", 3, opts, OPTIONS)
  if opts.digits and (opts.digits ~= math.floor(opts.digits) or opts.digits < 1 or opts.digits > 17) then
    argerror(3, "option 'digits' must be an integer from 1 to 17")
  end
  if opts.rankdir and not RANKDIRS[opts.rankdir] then
    argerror(3, "option 'rankdir' must be LR, RL, TB or BT")
  end
  if opts.name and not opts.name:match("^[%a_][%w_]*$") then
    argerror(3, "option 'name' must be an identifier")
  end
  return opts
end

--- dot(f, x [, opts]): the graph of cr.graph(f, x) as DOT text, one record per node with its
-- op, value and adjoint, each edge labelled with its local partial
function M.dot (f, x, opts, ...)
  if select("#", ...) > 0 then argerror(4, "no more than 3 arguments expected") end
  opts = checkopts(opts)
  local ok, G = pcall(reverse.graph, f, x)
  if not ok then
    if type(G) ~= "string" then error(G, 0) end  -- the caller's own error value
    local msg = G:gsub("'graph'", "'dot'"):gsub("^graph: ", "dot: ")
    if msg == G then error(G, 0) end  -- not graph's own: an error of f, as it is
    util.reraise(msg)
  end
  local pat = "%." .. (opts.digits or 4) .. "g"
  local out = {fmt("digraph %s {", opts.name or "chainrule"),
               fmt("  rankdir=%s;", opts.rankdir or "LR"),
               "  node [shape=record, fontname=\"DejaVu Sans\"];"}
  for i, nd in ipairs(G.nodes) do
    local extra = (i == G.output) and ", peripheries=2" or ""
    out[#out + 1] = fmt('  n%d [label="{ %s | value %s | grad %s }"%s];', i, field(nd.label),
                        fmt(pat, nd.value), fmt(pat, nd.adjoint), extra)
  end
  for i, nd in ipairs(G.nodes) do
    for j, a in ipairs(nd.args) do
      out[#out + 1] = fmt('  n%d -> n%d [label="%s"];', a, i, fmt(pat, nd.partials[j]))
    end
  end
  out[#out + 1] = "}"
  return concat(out, "\n") .. "\n"
end

return M
