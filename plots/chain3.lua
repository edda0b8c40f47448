-- three links: y = sqrt(1 + sin(x)^2)... as x -> u = sin x -> v = 1 + u^2 -> y = sqrt v
return {
  title = "h(x) = sqrt(1 + sin(x)^2)",
  chain = {
    function (x) return math.sin(x) end,
    function (u) return 1 + u * u end,
    function (v) return math.sqrt(v) end,
  },
  x = {-4, 4},
  labels = {"sin x", "1 + u^2", "sqrt v"},
}
