-- sin(|x|) with |x| written as a branch: a piece that compares its input cannot be compiled,
-- so chainplot evaluates it per point with dual numbers (h' jumps at 0, where |x| has no slope)
return {
  title = "h(x) = sin(|x|)",
  inner = function (x)                      -- u = |x|, by cases
    if x < 0 then return -x end
    return x
  end,
  outer = function (u) return math.sin(u) end,
  x = {-6, 6},
  labels = {inner = "|x|", outer = "sin(u)"},    -- a branch has no trace to print
}
