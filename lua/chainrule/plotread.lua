-- chainrule.plotread: chainplot's read-out: numbers in words, digits that follow the zoom, corners
local fmt, floor, log10, abs, max, min = string.format, math.floor, math.log10, math.abs, math.max, math.min
local huge = math.huge

local M = {}

--- num(v, digits): v with that many significant digits; NaN is "undefined", infinities "∞", "−∞"
function M.num (v, digits)
  if v ~= v then return "undefined" end
  if v == huge then return "∞" end
  if v == -huge then return "−∞" end
  local s = fmt("%." .. (digits or 4) .. "g", v == 0 and 0 or v)
  return (s:gsub("^%-", "−"))
end

--- digits(x, width): significant digits that tell x apart at a two-thousandth of the view
function M.digits (x, width)
  if not (width and width > 0 and width < huge) then return 4 end
  local res = width / 2000
  local d = floor(log10(max(abs(x), res))) - floor(log10(res)) + 1
  return min(15, max(4, d))
end

--- sides(dfn, x, width): the derivative just left and right of x, from dfn (exact derivatives
-- at x -+ e for three shrinking e). kind: "smooth", "corner" (the sides disagree), "infinite"
-- (both sides grow without bound the same way) or "undefined" (a side has no derivative).
function M.sides (dfn, x, width)
  local e = max(1e-5 * (width and width > 0 and width < huge and width or 1), 1e-9 * abs(x))
  local L, R = {}, {}
  for i = 1, 3 do
    L[i], R[i] = dfn(x - e), dfn(x + e)
    e = e / 16
  end
  local dl, dr = L[3], R[3]
  local function grows (t)  -- twice doubling while e shrinks 16-fold twice: no finite limit
    return abs(t[3]) > 2 * abs(t[2]) and abs(t[2]) > 2 * abs(t[1]) or abs(t[3]) == huge
  end
  if dl ~= dl or dr ~= dr then
    return "undefined", dl, dr
  end
  if grows(L) then dl = dl < 0 and -huge or huge end
  if grows(R) then dr = dr < 0 and -huge or huge end
  if dl == dr and abs(dl) == huge then return "infinite", dl, dr end
  local j2, j3 = abs(R[2] - L[2]), abs(R[3] - L[3])
  if (abs(dl) == huge or abs(dr) == huge) or (j3 > 0.25 * j2 and j3 > 1e-7 * (abs(L[3]) + abs(R[3]))) then
    return "corner", dl, dr
  end
  return "smooth", dl, dr
end

--- verdict(name, kind, dl, dr, digits): a line for a student, or nil where the derivative exists
function M.verdict (name, kind, dl, dr, digits)
  local n = function (v) return M.num(v, digits) end
  if kind == "corner" then
    local what = (abs(dl) == huge and abs(dr) == huge) and "cusp" or "corner"
    return fmt("%s(x0) undefined (%s: %s(x0−) = %s, %s(x0+) = %s)", name, what, name, n(dl), name, n(dr))
  elseif kind == "infinite" then
    return fmt("%s(x0) = %s (a vertical tangent)", name, n(dl))
  elseif kind == "undefined" then
    return fmt("%s(x0) undefined (%s(x0−) = %s, %s(x0+) = %s)", name, name, n(dl), name, n(dr))
  end
end

--- substitute(labels, var): the composite's label from the links' labels, innermost first, each
-- put in place of the next link's variable (parenthesized unless it is one term); var names
-- x, u, ..., y; nil unless every link has a label
function M.substitute (labels, var)
  local acc = labels[1]
  if not acc then return nil end
  for k = 2, #var - 1 do
    local outer = labels[k]
    if not outer then return nil end
    local atom = acc:match("^[%w_.]+$") or acc:match("^|[^|]*|$") or acc:match("^[%w_.]*%b()$")
    local hits
    acc, hits = outer:gsub("()%f[%w_]" .. var[k] .. "%f[^%w_]()", function (p, q)
      if atom or (outer:sub(p - 1, p - 1) == "(" and outer:sub(q, q) == ")") then return acc end
      return "(" .. acc .. ")"
    end)
    if hits == 0 then return nil end  -- the outer label does not name its variable
  end
  return acc
end

return M
