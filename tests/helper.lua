-- tests/helper.lua: shared checks for the specs (loaded by busted before every file)
local H = {}

-- checkerr(msg, f, ...): f(...) must raise an error whose text contains msg literally
function H.checkerr (msg, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error containing: " .. msg)
  err = tostring(err)
  assert(err:find(msg, 1, true), ("error %q does not contain %q"):format(err, msg))
end

-- close(a, b, rel, abs): |a - b| <= max(rel * |b|, abs)
function H.close (a, b, rel, abs)
  rel, abs = rel or 1e-12, abs or 0
  if a == b then return true end
  if a ~= a and b ~= b then return true end  -- both NaN
  return math.abs(a - b) <= math.max(rel * math.abs(b), abs)
end

function H.assert_close (a, b, rel, abs, what)
  assert(type(a) == "number", (what or "value") .. " is not a number: " .. tostring(a))
  assert(H.close(a, b, rel, abs),
    ("%s: got %.17g, expected %.17g (rel %.3g)"):format(what or "value", a, b, rel or 1e-12))
end

_G.H = H  -- visible to every spec; the no-globals spec runs require in a fresh state
return H
