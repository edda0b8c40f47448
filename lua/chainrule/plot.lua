-- chainrule.plot: chainplot from Lua; tables are shown in-process, script paths by the chainplot program
local plotscript = require "chainrule.plotscript"
local util = require "chainrule.util"

local type, error, pcall, tostring, ipairs, pairs, select = type, error, pcall, tostring, ipairs, pairs, select
local fmt = string.format

local M = {}

-- options that may sit beside the plot fields: plot.render{inner = ..., outer = ..., output = "x.png"}
local optnames = {"output", "size", "font", "x0", "scale", "shotdir", "trust", "step"}

-- what each option may be; size and x0 take two forms, checked below
local OPTS = {output = "string", size = "any", font = "string", x0 = "any", scale = "number",
              shotdir = "string", trust = "boolean", step = "any"}  -- step is checked by the C side, which knows graph scripts

local function split (fname, spec, opts)
  local plot, o = {}, {}
  for k, v in pairs(spec) do plot[k] = v end
  for _, k in ipairs(optnames) do
    if plot[k] ~= nil then o[k] = plot[k]; plot[k] = nil end
  end
  util.checkopts(fname, 1, o, OPTS)
  for k, v in pairs(util.checkopts(fname, 2, opts, OPTS)) do o[k] = v end
  if o.x0 ~= nil and o.x0 ~= false and type(o.x0) ~= "number" then
    util.argerror(fname, 2, "option 'x0' must be a number or false, got " .. util.typename(o.x0))
  end
  return plot, o
end

local function size (o, fname)
  local s = o.size
  if s == nil then return end
  if type(s) == "string" then
    local w, h = s:match("^(%d+)x(%d+)$")
    if w then o.width, o.height = tonumber(w), tonumber(h); return end
  elseif type(s) == "table" and util.mtype(s[1]) == "integer" and util.mtype(s[2]) == "integer" then
    o.width, o.height = s[1], s[2]
    return
  end
  util.argerror(fname, 2, fmt("option 'size' must be \"WxH\" or {w, h}, got %s",
                              type(s) == "string" and fmt("%q", s) or util.typename(s)))
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
  local cmd = table.concat(args, " ")
  if o.output then
    local ok, how, code = os.execute(cmd .. " >&2")
    if ok then return o.output end
    return nil, fmt("chainplot exited (%s %s)", tostring(how), tostring(code))
  end
  -- a window: without a display chainplot renders chainplot-NAME.png and prints its path on
  -- stdout, which is then the result; other lines (screenshot paths) go on to stderr as before
  local png = "chainplot-" .. tostring(path):gsub("^.*/", ""):gsub("%.[^.]*$", "") .. ".png"
  local p = io.popen(cmd, "r")
  local result = true
  for line in p:lines() do
    if line == png or line:sub(-#png - 1) == "/" .. png then result = line
    else io.stderr:write(line, "\n") end
  end
  local ok, how, code = p:close()
  if ok then return result end
  return nil, fmt("chainplot exited (%s %s)", tostring(how), tostring(code))
end

local function model (plot, fname)
  local ok, m = pcall(function () return plotscript.model(plotscript.validate(plot)) end)
  if not ok then util.raise(fname .. ": " .. tostring(m)) end
  return m
end

-- the viewer's own checks of the options (size, scale) are the caller's errors
local function viewcall (f, m, o)
  local res = util.pack(pcall(f, m, o))
  if not res[1] then
    local err = res[2]
    if type(err) == "string" and (err:match("^bad argument") or err:match("^[^\n]-:%d+: bad argument")) then
      util.reraise(err)
    end
    error(err, 0)
  end
  return util.unpack(res, 2, res.n)
end

local function run (fname, spec, opts)
  if type(spec) ~= "table" and type(spec) ~= "string" then
    util.argerror(fname, 1, "table or script path expected, got " .. util.typename(spec))
  end
  local plot, o
  if type(spec) == "string" then
    plot = spec
    o = select(2, split(fname, {}, opts))
  else
    plot, o = split(fname, spec, opts)
  end
  size(o, fname)
  if fname == "render" and not o.output then
    util.argerror(fname, 1, "option 'output' expected: the PNG to write")
  end
  if type(plot) == "string" then
    if fname == "show" then o.output = nil end
    return runprogram(plot, o)
  end
  local view = require "chainrule.plotview"
  local m = model(plot, fname)
  if fname == "render" then return viewcall(view.render, m, o) end
  local ok, err = viewcall(view.show, m, o)
  if ok then return true end
  -- no display: render a PNG instead and say where it is, as chainplot does
  o.output = o.output or "chainplot-plot.png"
  io.stderr:write(fmt("chainrule.plot: %s; rendering to %s instead\n", err, o.output))
  return viewcall(view.render, m, o)
end

--- show(spec | path [, options]): opens the viewer; returns true (or the PNG path without a display).
function M.show (spec, opts) return run("show", spec, opts) end

--- render(spec | path [, options]): writes options.output (a PNG) off-screen; returns its path.
function M.render (spec, opts) return run("render", spec, opts) end

return M
