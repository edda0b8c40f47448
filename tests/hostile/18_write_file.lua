-- expect: require 'chainrule.plot' is not allowed in the sandbox
-- chainrule.plot renders PNG files and runs programs: a way out that the sandbox closes
local plot = require "chainrule.plot"
plot.render({f = function (x) return x end}, {output = "created_by_plot.png"})
return {f = function (x) return x end}
