-- chainrule.plot: chainplot from Lua; tables are shown in-process, script paths by the chainplot program
local plotscript = require "chainrule.plotscript"

local type, error, pcall, tostring, ipairs, pairs, select = type, error, pcall, tostring, ipairs, pairs, select
local fmt = string.format

local M = {}

-- options that may sit beside the plot fields: plot.render{inner = ..., outer = ..., output = "x.png"}
local optnames = {"output", "size", "font", "x0", "scale", "shotdir", "trust", "step"}

local function split (spec, opts)
  local plot, o = {}, {}
  for k, v in pairs(spec) do plot[k] = v end
  for _, k in ipairs(optnames) do
    if plot[k] ~= nil then o[k] = plot[k]; plot[k] = nil end
  end
  for k, v in pairs(opts or {}) do o[k] = v end
  return plot, o
end

local function size (o, fname)
  local s = o.size
  if s == nil then return end
  if type(s) == "string" then
    local w, h = s:match("^(%d+)x(%d+)$")
    if w then o.width, o.height = tonumber(w), tonumber(h); return end
  elseif type(s) == "table" and math.type(s[1]) == "integer" and math.type(s[2]) == "integer" then
    o.width, o.height = s[1], s[2]
    return
  end
  error(fmt("bad option 'size' to '%s' (\"WxH\" or {w, h} expected, got %s)", fname, tostring(s)), 3)
end

-- the chainplot program: $CHAINPLOT, the build tree next to this file, or the PATH
local function program ()
  local env = os.getenv("CHAINPLOT")
  if env and env ~= "" then return env end
  local src = debug.getinfo(1, "S").source
  local dir = src:match("^@(.-)lua/chainrule/plot%.lua$")
  if dir then
    local f = io.open(dir .. "build/chainplot", "rb")
    if f then f:close(); return dir .. "build/chainplot" end
  end
  return "chainplot"
end

local function quote (s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function runprogram (path, o)
  local args = {quote(program())}
  if o.output then args[#args + 1] = "--output " .. quote(o.output) end
  if o.width then args[#args + 1] = fmt("--size %dx%d", o.width, o.height) end
  if o.font then args[#args + 1] = "--font " .. quote(o.font) end
  if o.x0 ~= nil then args[#args + 1] = "--x0 " .. (o.x0 == false and "none" or quote(o.x0)) end
  if o.scale then args[#args + 1] = "--scale " .. quote(o.scale) end
  if o.shotdir then args[#args + 1] = "--shot-dir " .. quote(o.shotdir) end
  if o.trust then args[#args + 1] = "--trust" end
  if o.step ~= nil then args[#args + 1] = "--step " .. quote(o.step) end
  args[#args + 1] = quote(path)
  local ok, how, code = os.execute(table.concat(args, " ") .. " >&2")
  if ok then return o.output or true end
  return nil, fmt("chainplot exited (%s %s)", tostring(how), tostring(code))
end

local function model (plot, fname)
  local ok, m = pcall(function () return plotscript.model(plotscript.validate(plot)) end)
  if not ok then error(fname .. ": " .. tostring(m), 3) end
  return m
end

local function run (fname, spec, opts)
  if type(spec) ~= "table" and type(spec) ~= "string" then
    error(fmt("bad argument #1 to '%s' (table or script path expected, got %s)", fname, type(spec)), 3)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(fmt("bad argument #2 to '%s' (table expected, got %s)", fname, type(opts)), 3)
  end
  local plot, o
  if type(spec) == "string" then
    plot = spec
    o = select(2, split({}, opts))
  else
    plot, o = split(spec, opts)
  end
  size(o, fname)
  if fname == "render" and not o.output then
    error("bad argument #1 to 'render' (option 'output' expected: the PNG to write)", 3)
  end
  if type(plot) == "string" then
    if fname == "show" then o.output = nil end
    return runprogram(plot, o)
  end
  local view = require "chainrule.plotview"
  local m = model(plot, fname)
  if fname == "render" then return view.render(m, o) end
  local ok, err = view.show(m, o)
  if ok then return true end
  -- no display: render a PNG instead and say where it is, as chainplot does
  o.output = o.output or "chainplot-plot.png"
  io.stderr:write(fmt("chainrule.plot: %s; rendering to %s instead\n", err, o.output))
  return view.render(m, o)
end

--- show(spec | path [, options]): opens the viewer; returns true (or the PNG path without a display).
function M.show (spec, opts) return run("show", spec, opts) end

--- render(spec | path [, options]): writes options.output (a PNG) off-screen; returns its path.
function M.render (spec, opts) return run("render", spec, opts) end

return M
