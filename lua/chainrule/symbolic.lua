-- chainrule.symbolic: symbols, compositions, the chain-rule explainer and compiled functions
local core = require "chainrule.core"

return function (M)
  M.symbol = core.symbol
  M.isexpr = core.isexpr
end
