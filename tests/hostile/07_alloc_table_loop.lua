-- expect: script ran out of memory
return {
  f = function (x)
    local t = {}
    for i = 1, 1e10 do t[i] = i end   -- 160 GB if it could
    return x
  end,
}
