-- expect: (no error)
-- NaN from every piece: nothing to draw, and nothing breaks
return {
  inner = function (x) return 0 / 0 end,
  outer = function (u) return u * math.huge - math.huge end,
}
