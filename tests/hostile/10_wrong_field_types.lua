-- expect: field 'outer' must be a function f(u) (got string)
return {inner = function (x) return x end, outer = "u^2"}
