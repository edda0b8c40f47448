-- chainplot_graph_spec.lua: graph scripts: validation, the model, off-screen renders step by step
local cr = require "chainrule"
local plotscript = require "chainrule.plotscript"
local bin = "build/chainplot"

local function run (args)
  local p = io.popen(("env -u DISPLAY -u WAYLAND_DISPLAY %s %s 2>&1"):format(bin, args))
  local out = p:read("a")
  local _, _, code = p:close()
  return code, out
end

local function readfile (path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function writefile (path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local tmp = os.tmpname()

describe("graph scripts", function ()
  teardown(function ()
    os.remove(tmp)
    for _, s in ipairs{"a", "b", "c", "d", "e"} do os.remove(tmp .. s .. ".png") end
    os.remove(tmp .. ".lua")
  end)

  it("are validated, errors naming the field", function ()
    local g = function (v) return v.a end
    local cases = {
      {{graph = 5, inputs = {a = 1}}, "field 'graph' must be a function (v) returning L (got number)"},
      {{graph = g}, "field 'inputs' must be a table {name = number | {value =, min =, max =}} (got nil)"},
      {{graph = g, inputs = {a = "x"}}, "field 'inputs.a' must be a number or {value =, min =, max =} (got string)"},
      {{graph = g, inputs = {1}}, "field 'inputs' must be a table with string keys (got key number)"},
      {{graph = g, inputs = {}}, "field 'inputs' must name at least one input"},
      {{graph = g, inputs = {a = {value = 5, min = 0, max = 1}}},
       "field 'inputs.a' needs min < max and min <= value <= max (got 0, 5, 1)"},
      {{graph = g, inputs = {a = {value = 0, min = 0}}}, "field 'inputs.a.max' must be a number (got nil)"},
      {{graph = g, inputs = {a = 1}, f = g}, "a graph script takes 'graph', 'inputs' and 'title' only (got 'f')"},
    }
    local many = {}
    for i = 1, 9 do many["w" .. i] = {value = 0, min = -1, max = 1} end
    cases[#cases + 1] = {{graph = g, inputs = many},
                         "field 'inputs' may give a range (a slider) to at most 8 inputs (got 9)"}
    for _, c in ipairs(cases) do H.checkerr("s.lua: " .. c[2], plotscript.validate, c[1], "s.lua") end
  end)

  it("build a model whose graph follows the sliders, with cr.gradient's numbers", function ()
    local f = function (v) return (v.w * v.x - v.t)^2 end
    local spec = plotscript.validate({graph = f, inputs = {w = {value = 0.5, min = -1, max = 1}, x = 2, t = 3}})
    local m = plotscript.model(spec, "g.lua")
    assert.are.equal(1, #m.params)
    assert.are.equal("w", m.params[1].name)
    assert.are.same({}, m.panels)
    local function entry (G, name)
      for _, i in ipairs(G.inputs) do
        if G.nodes[i].label == name then return G.nodes[i].adjoint end
      end
    end
    local G = m.graph()
    local g = cr.gradient(function (v) return (v[1] * v[2] - v[3])^2 end, {0.5, 2, 3})
    assert.are.equal(g[1], entry(G, "w"))
    m.setparam(1, 0.75)
    G = m.graph()
    g = cr.gradient(function (v) return (v[1] * v[2] - v[3])^2 end, {0.75, 2, 3})
    assert.are.equal(g[1], entry(G, "w"))
    assert.are.equal(g[2], entry(G, "x"))
    m.setparam(1, 7)  -- clamped to the range
    assert.are.equal(1, m.params[1].value)
  end)

  it("render off-screen after N steps: step 0, 5 and the whole pass differ, each repeatable", function ()
    local pngs = {}
    for i, st in ipairs{"0", "5", "all", "0"} do
      local out = tmp .. ({"a", "b", "c", "d"})[i] .. ".png"
      local code, msg = run(("--output %s --size 900x600 --step %s plots/neuron_graph.lua"):format(out, st))
      assert.are.equal(0, code, msg)
      pngs[i] = assert(readfile(out))
      assert.are.equal("\137PNG\r\n\26\n", pngs[i]:sub(1, 8))
    end
    assert.are_not.equal(pngs[1], pngs[2])
    assert.are_not.equal(pngs[2], pngs[3])
    assert.are_not.equal(pngs[1], pngs[3])
    assert.are.equal(pngs[1], pngs[4])  -- the same step draws the same picture
    local code, msg = run(("--output %se.png --size 900x600 --step all plots/tiny_net.lua"):format(tmp))
    assert.are.equal(0, code, msg)
    assert.are_not.equal(pngs[3], readfile(tmp .. "e.png"))
  end)

  it("come from Lua through chainrule.plot, with a step option", function ()
    local plot = require "chainrule.plot"
    local spec = {graph = function (v) return v.a * v.b + v.a end, inputs = {a = 2, b = {value = 3, min = 0, max = 5}}}
    assert.are.equal(tmp .. "a.png", plot.render(spec, {output = tmp .. "a.png", size = "600x400"}))
    assert.are.equal(tmp .. "b.png", plot.render(spec, {output = tmp .. "b.png", size = "600x400", step = "all"}))
    assert.are_not.equal(readfile(tmp .. "a.png"), readfile(tmp .. "b.png"))
    H.checkerr([[bad argument #2 to 'render' (option 'step' must be a count of backward steps or "all")]],
      plot.render, spec, {output = tmp .. "c.png", step = "x"})
    H.checkerr("bad argument #2 to 'render' (option 'step' is for graph scripts)",
      plot.render, {f = function (x) return x end}, {output = tmp .. "c.png", step = 2})
    H.checkerr("render: field 'graph' must be a function (v) returning L (got string)",
      plot.render, {graph = "x", inputs = {a = 1}}, {output = tmp .. "c.png"})
    -- a script path goes through the chainplot program, --step and all
    assert.are.equal(tmp .. "c.png", plot.render("plots/tiny_net.lua", {output = tmp .. "c.png", step = 3}))
  end)

  it("say what is wrong, by text, with exit status 1 or 2", function ()
    local code, out = run("--output " .. tmp .. "a.png --step x plots/neuron_graph.lua")
    assert.are.equal(2, code)
    assert.truthy(out:find("--step wants a count of backward steps or all: x", 1, true), out)
    code, out = run("--output " .. tmp .. "a.png --step 2 plots/cubic.lua")
    assert.are.equal(0, code, out)
    assert.truthy(out:find("--step applies to graph scripts only", 1, true), out)
    writefile(tmp .. ".lua", "return {graph = function (v) local t; return t.x end, inputs = {a = 1}}\n")
    code, out = run("--output " .. tmp .. "a.png " .. tmp .. ".lua")
    assert.are.equal(1, code)
    assert.truthy(out:find(tmp .. ".lua:1: attempt to index a nil value (local 't')", 1, true), out)
    writefile(tmp .. ".lua", "return {graph = function (v) return 'x' end, inputs = {a = 1}}\n")
    code, out = run("--output " .. tmp .. "a.png " .. tmp .. ".lua")
    assert.are.equal(1, code)
    assert.truthy(out:find("graph: function returned a string", 1, true), out)
    writefile(tmp .. ".lua", "return {graph = function (v) while true do end end, inputs = {a = 1}}\n")
    code, out = run("--output " .. tmp .. "a.png --budget 5 " .. tmp .. ".lua")
    assert.are.equal(1, code)
    assert.truthy(out:find("script ran too long", 1, true), out)
    writefile(tmp .. ".lua", "return {graph = function (v) local s = ('x'):rep(1e9) return v.a end, inputs = {a = 1}}\n")
    code, out = run("--output " .. tmp .. "a.png --memory 16 " .. tmp .. ".lua")
    assert.are.equal(1, code)
    assert.truthy(out:find(tmp .. ".lua: not enough memory", 1, true), out)
    writefile(tmp .. ".lua", "return {graph = function (v) return io.open end, inputs = {a = 1}}\n")
    code, out = run("--output " .. tmp .. "a.png " .. tmp .. ".lua")
    assert.are.equal(1, code)
    assert.truthy(out:find("attempt to index a nil value (global 'io')", 1, true), out)
  end)

  it("over the node limit are not drawn, and say so", function ()
    writefile(tmp .. ".lua", [[return {graph = function (v)
      local s = v.a
      for i = 1, 150 do s = s * v.a + i end
      return s
    end, inputs = {a = 0.5}}
]])
    local code, out = run("--output " .. tmp .. "a.png " .. tmp .. ".lua")
    assert.are.equal(0, code, out)
    assert.truthy(out:find("The graph has %d+ nodes: the graph view draws at most 200"), out)
    assert.truthy(out:find("cr.dot(f, x) writes any graph for Graphviz", 1, true), out)
    -- 60 nodes are drawn, boxes and all (--verbose says where)
    writefile(tmp .. ".lua", [[return {graph = function (v)
      local s = v.a
      for i = 1, 29 do s = s * v.a end
      return s
    end, inputs = {a = 0.5}}
]])
    code, out = run("--verbose --output " .. tmp .. "a.png " .. tmp .. ".lua")
    assert.are.equal(0, code, out)
    local n = 0
    for _ in out:gmatch("chainplot: graph box ") do n = n + 1 end
    assert.are.equal(30, n)
  end)
end)
