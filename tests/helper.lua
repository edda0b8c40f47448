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

-- Lua 5.1, 5.2 and LuaJIT lack 5.3's //, integer subtype and table.pack/unpack: the specs use these
local compile = loadstring or load
local idiv = compile("return function (a, b) return a // b end")
-- a // b, or before Lua 5.3 (no // operator) the __idiv metamethod a chainrule value has
H.idiv = idiv and idiv() or function (a, b)
  for _, v in ipairs{a, b} do
    local mt = getmetatable(v)
    if type(mt) == "table" and mt.__idiv then return mt.__idiv(a, b) end
  end
  return math.floor(a / b)
end
H.unpack = table.unpack or unpack
H.pack = table.pack or function (...) return {n = select("#", ...), ...} end
H.mtype = math.type or function (v)
  if type(v) == "number" then return v == math.floor(v) and "integer" or "float" end
end
-- load(s, name, mode, env) as 5.2 has it, on 5.1 too
function H.load (s, name, mode, env)
  if setfenv == nil then return load(s, name, mode, env) end
  local f, err = loadstring(s, name)
  if f and env then setfenv(f, env) end
  return f, err
end
-- -0.0 computed: Lua 5.1 merges the constants -0.0 and 0 of one function
H.negzero = -1 / math.huge
-- math.atan (y [, x]) and math.log (x [, base]) as 5.4 has them (5.1 and 5.2 ignore the second)
H.atan = math.atan(1, -1) == math.atan(1) and function (y, x)
  if x == nil then return math.atan(y) end
  return math.atan2(y, x)
end or math.atan
H.log = math.log(8, 2) == 3 and math.log or function (x, b)
  if b == nil then return math.log(x) end
  return math.log(x) / math.log(b)
end
H.LUA54 = _VERSION == "Lua 5.4"
-- the interpreter running the specs, for the ones that start another (make test sets LUA)
H.LUA = os.getenv("LUA") or "lua5.4"
-- the build directory of the module under test (build/, build/5.1/, ...)
H.BUILD = package.cpath:match("^([^;]-)/%?%.so") or "build"

_G.H = H  -- visible to every spec; the no-globals spec runs require in a fresh state
return H
