-- graph_spec.lua: cr.graph and cr.dot, the computational graph behind a gradient
local cr = require "chainrule"
local cm = cr.math

-- vector functions with known structure: shared subexpressions, constants, every kind of op
local battery = {
  {"rosenbrock", function (v)
    local s = 0
    for i = 1, #v - 1 do s = s + 100 * (v[i + 1] - v[i]^2)^2 + (1 - v[i])^2 end
    return s
  end, {0.3, -1.2, 0.8, 2.0}},
  {"neuron loss", function (v) return (cm.sigmoid(v[1] * v[3] + v[2]) - 1)^2 end, {0.5, 0.1, 2}},
  {"tiny net", function (v)
    local h1 = cm.tanh(v[1] * v[3] + v[2] * v[4])
    local h2 = cm.tanh(v[1] * v[5] - v[2] * v[6])
    return (h1 * v[7] + h2 * v[8] - 0.5)^2
  end, {0.4, -0.7, 0.3, -0.2, 0.9, 0.1, 1.1, -0.6}},
  {"shared product", function (v) local p = v[1] * v[2]; return p * p + cm.sin(p) / v[1] end, {1.3, 0.7}},
  {"kinks and powers", function (v)
    return cm.max(v[1], v[2]) + cm.abs(v[1] - 3) + v[1]^v[2] + cm.log(v[2]) + 2^v[1]
  end, {1.5, 2.5}},
  {"unused input", function (v) return v[1] * 2 end, {3, 4}},
}

describe("cr.graph", function ()
  it("gives the gradient in the inputs' adjoints, bit for bit", function ()
    for _, case in ipairs(battery) do
      local name, f, x = case[1], case[2], case[3]
      local G = cr.graph(f, x)
      local g, v = cr.gradient(f, x)
      assert.are.equal(#x, #G.inputs, name)
      for i = 1, #x do
        assert.are.equal(g[i], G.nodes[G.inputs[i]].adjoint, name .. " input " .. i)
      end
      assert.are.equal(v, G.nodes[G.output].value, name .. " value")
      assert.are.equal(1, G.nodes[G.output].adjoint)
    end
  end)
  it("has every adjoint equal to the sum over consumers of adjoint times partial", function ()
    for _, case in ipairs(battery) do
      local G = cr.graph(case[2], case[3])
      local sum = {}
      for i, nd in ipairs(G.nodes) do
        for j, a in ipairs(nd.args) do
          assert.is_true(a < i, "args come first (topological order)")
          local p, g = nd.partials[j], nd.adjoint
          sum[a] = (sum[a] or 0) + ((p == 0 or g == 0) and 0 or p * g)
        end
      end
      for i, nd in ipairs(G.nodes) do
        if i ~= G.output then
          H.assert_close(nd.adjoint, sum[i] or 0, 1e-14, 1e-300, case[1] .. " node " .. i)
        end
      end
    end
  end)
  it("shows every edge: constants become nodes, an op has as many args as operands", function ()
    local G = cr.graph(function (v) return (v[1] * v[2] + 3)^2 end, {2, 5})
    local ops, consts = {}, {}
    for _, nd in ipairs(G.nodes) do
      ops[#ops + 1] = nd.op
      if nd.op == "const" then consts[#consts + 1] = nd.value end
    end
    assert.are.same({"input", "input", "mul", "const", "add", "const", "pow"}, ops)
    assert.are.same({3, 2}, consts)
    local pow = G.nodes[G.output]
    assert.are.equal("^", pow.label)
    assert.are.equal(26, pow.partials[1])                  -- 2 * 13
    H.assert_close(pow.partials[2], 169 * math.log(13), 1e-15, 0, "d/db a^b")
    assert.are.equal(5, G.nodes[3].partials[1])           -- d(x1 x2)/dx1 = x2
    assert.are.equal(2, G.nodes[3].partials[2])
    assert.are.equal(130, G.nodes[G.inputs[1]].adjoint)   -- 2 (x1 x2 + 3) x2
  end)
  it("keeps only what the output depends on, and every input", function ()
    local G = cr.graph(function (v)
      local _ = cm.exp(v[1]) * 7   -- dead: never reaches the result
      return v[1] + 1
    end, {0, 9})
    assert.are.equal(4, #G.nodes)   -- x1, x2, 1, +
    assert.are.equal(0, G.nodes[G.inputs[2]].adjoint)
  end)
  it("labels named inputs by their keys and hands f a table of them", function ()
    local G = cr.graph(function (v) return cm.sigmoid(v.w * v.x + v.b) end, {w = 0.5, b = 0, x = 2})
    local labels = {}
    for _, i in ipairs(G.inputs) do labels[#labels + 1] = G.nodes[i].label end
    assert.are.same({"b", "w", "x"}, labels)   -- sorted keys
    local s = 1 / (1 + math.exp(-1))
    H.assert_close(G.nodes[G.inputs[2]].adjoint, s * (1 - s) * 2, 1e-15, 0, "dL/dw")
  end)
  it("takes the spread form and a constant result", function ()
    local G = cr.graph(function (a, b) return a * b end, 3, 4)
    assert.are.equal(4, G.nodes[G.inputs[1]].adjoint)
    G = cr.graph(function () return 5 end, {1})
    assert.are.equal("const", G.nodes[G.output].op)
    assert.are.equal(0, G.nodes[G.inputs[1]].adjoint)
  end)
  it("refuses bad arguments and functions it cannot draw, by message", function ()
    H.checkerr("bad argument #1 to 'graph' (function expected, got number)", cr.graph, 5)
    H.checkerr("bad argument #2 to 'graph' (number or table expected, got no value)", cr.graph, print)
    H.checkerr("bad argument #2 to 'graph' (number expected for input 'w', got string)",
      cr.graph, function (v) return v.w end, {w = "a"})
    H.checkerr("graph: function returned a string", cr.graph, function () return "x" end, {1})
    H.checkerr("graph: f used duals or took a derivative",
      cr.graph, function (v) return cr.derivative(function (y) return y * v[1] end, 2) end, {1})
    H.checkerr("boom", cr.graph, function () error("boom") end, {1})
    -- and the tape is gone afterwards: the next gradient is right
    assert.are.equal(6, cr.gradient(function (v) return v[1] * v[1] end, {3})[1])
  end)
end)

describe("cr.dot", function ()
  local f = function (v) return (v[1] * v[2] + 3)^2 end
  it("writes one record per node and one labelled edge per operand", function ()
    local text = cr.dot(f, {2, 5})
    assert.truthy(text:find('n1 [label="{ x1 | value 2 | grad 130 }"];', 1, true))
    assert.truthy(text:find('n7 [label="{ ^ | value 169 | grad 1 }", peripheries=2];', 1, true))
    assert.truthy(text:find('n5 -> n7 [label="26"];', 1, true))
    local edges = select(2, text:gsub("%->", ""))
    assert.are.equal(6, edges)
    assert.truthy(cr.dot(f, {2, 5}, {digits = 8, rankdir = "TB", name = "g"}):find("^digraph g {\n  rankdir=TB;"))
  end)
  it("is accepted by graphviz", function ()
    local path = os.tmpname()
    local fh = assert(io.open(path, "w"))
    fh:write(cr.dot(battery[3][2], battery[3][3]))
    fh:close()
    local p = assert(io.popen("dot -Tsvg " .. path .. " 2>&1"))
    local svg = p:read("*a")
    local ok = p:close()
    os.remove(path)
    assert.is_true(ok, "dot failed: " .. svg)
    assert.truthy(svg:find("<svg", 1, true))
    assert.truthy(svg:find("tanh", 1, true))
  end)
  it("escapes record characters and refuses unknown options by name", function ()
    local text = cr.dot(function (v) return v["a|<b>"] * 2 end, {["a|<b>"] = 1})
    assert.truthy(text:find("{ a\\|\\<b\\> | value 1 | grad 2 }", 1, true), text)
    H.checkerr("bad argument #3 to 'dot' (unknown option 'ordr')", cr.dot, f, {1, 2}, {ordr = 1})
    H.checkerr("bad argument #3 to 'dot' (option 'digits' must be an integer from 1 to 17)",
      cr.dot, f, {1, 2}, {digits = 0})
    H.checkerr("bad argument #3 to 'dot' (option 'rankdir' must be LR, RL, TB or BT)",
      cr.dot, f, {1, 2}, {rankdir = "up"})
    H.checkerr("bad argument #1 to 'dot' (function expected, got nil)", cr.dot, nil, {1})
  end)
end)
