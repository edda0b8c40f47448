-- chainrule-scm-0.rockspec: a builtin-type rockspec; C sources and Lua modules side by side
rockspec_format = "3.0"
package = "chainrule"
version = "scm-0"
source = {
  url = "git+file:///dev/null",  -- build from a checkout with `luarocks make`
}
description = {
  summary = "Exact derivatives of Lua functions by the chain rule",
  detailed = [[
    Forward-mode tagged dual numbers (nesting, higher orders), a drop-in math library,
    and a single table of elementary operations from which every derivative is derived.
  ]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.1, < 5.5",
}
build = {
  type = "builtin",
  modules = {
    ["chainrule.core"] = {
      sources = {
        "src/cr_ops.c", "src/cr_dual.c", "src/cr_taylor.c", "src/cr_tape.c",
        "src/ldual.c", "src/lderiv.c", "src/ltaylor.c", "src/lcore.c", "src/ltape.c", "src/ltape_rec.c", "src/ltape_api.c", "src/lsweep.c", "src/lgraph.c",
        "src/cr_expr.c", "src/cr_esimp.c", "src/cr_print.c", "src/cr_prog.c", "src/lexpr.c", "src/lcompile.c",
        "src/cr_grad.c", "src/cr_gsched.c", "src/cr_gplan.c", "src/lgrad.c", "src/lmath.c",
      },
      libraries = {"m"},
      incdirs = {"src"},
    },
    ["chainrule"] = "lua/chainrule/init.lua",
    ["chainrule.formula"] = "lua/chainrule/formula.lua",
    ["chainrule.graph"] = "lua/chainrule/graph.lua",
    ["chainrule.math"] = "lua/chainrule/math.lua",
    ["chainrule.cgrad"] = "lua/chainrule/cgrad.lua",
    ["chainrule.cfallback"] = "lua/chainrule/cfallback.lua",
    -- the viewer's Lua side; chainrule.plotview (SDL) and chainplot are built by make install
    ["chainrule.plot"] = "lua/chainrule/plot.lua",
    ["chainrule.plotformula"] = "lua/chainrule/plotformula.lua",
    ["chainrule.plotread"] = "lua/chainrule/plotread.lua",
    ["chainrule.plotscript"] = "lua/chainrule/plotscript.lua",
    ["chainrule.reverse"] = "lua/chainrule/reverse.lua",
    ["chainrule.symbolic"] = "lua/chainrule/symbolic.lua",
    ["chainrule.util"] = "lua/chainrule/util.lua",
  },
}
