-- mlp.lua: backpropagation demo, a 2-16-16-1 tanh network learning two half-moons
-- Run: lua5.4 scripts/mlp.lua [epochs]  (after eval "$(make -s env)")
local cr = require "chainrule"
local m = cr.math
local tanh, softplus = m.tanh, m.softplus

local M = {}

-- a small deterministic generator (64-bit LCG, top bits), so no global state is touched
local function rng (seed)
  local s = seed
  local r = {}
  function r.uniform ()
    s = s * 6364136223846793005 + 1442695040888963407
    return ((s >> 11) & 0x1fffffffffffff) / 9007199254740992.0
  end
  function r.normal ()  -- Box-Muller
    local u1, u2 = r.uniform(), r.uniform()
    if u1 < 1e-300 then u1 = 1e-300 end
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
  end
  return r
end

--- moons(n, noise, r): n points of two interleaved half-moons, labels +1 / -1
function M.moons (n, noise, r)
  local xs, ys = {}, {}
  for i = 1, n do
    local t = math.pi * r.uniform()
    local x, y, label
    if i % 2 == 1 then x, y, label = math.cos(t), math.sin(t), 1
    else x, y, label = 1 - math.cos(t), 0.5 - math.sin(t), -1 end
    xs[i] = {x + noise * r.normal(), y + noise * r.normal()}
    ys[i] = label
  end
  return xs, ys
end

local function layer (nin, nout, r, params)
  local L = {w = {}, b = {}}
  local a = math.sqrt(6 / (nin + nout))  -- Glorot uniform
  for j = 1, nout do
    L.w[j] = {}
    for i = 1, nin do
      local p = cr.param((2 * r.uniform() - 1) * a)
      L.w[j][i] = p
      params[#params + 1] = p
    end
    L.b[j] = cr.param(0.0)
    params[#params + 1] = L.b[j]
  end
  return L
end

local function forward (L, x, act)
  local out = {}
  for j = 1, #L.w do
    local w, s = L.w[j], L.b[j]
    for i = 1, #x do s = s + w[i] * x[i] end
    out[j] = act and act(s) or s
  end
  return out
end

--- net(r): the 2-16-16-1 network; returns its function and its params
function M.net (r)
  local params = {}
  local l1, l2, l3 = layer(2, 16, r, params), layer(16, 16, r, params), layer(16, 1, r, params)
  local function f (x)
    return forward(l3, forward(l2, forward(l1, x, tanh), tanh))[1]
  end
  return f, params
end

--- train{epochs, samples, seed, lr, quiet}: full-batch Adam on the logistic loss;
--- the result holds loss, accuracy, the epoch 95% was reached, and the trained net
function M.train (opt)
  opt = opt or {}
  local epochs, n = opt.epochs or 100, opt.samples or 200
  local lr, b1, b2, eps = opt.lr or 0.05, 0.9, 0.999, 1e-8
  local r = rng(opt.seed or 20240601)
  local xs, ys = M.moons(n, opt.noise or 0.1, r)
  local f, params = M.net(r)
  local mom, vel = {}, {}
  for i = 1, #params do mom[i], vel[i] = 0.0, 0.0 end
  local res = {samples = n, epochs = epochs, time = 0.0, net = f}
  local say = opt.quiet and function () end or print
  say(("training 2-16-16-1 tanh MLP (%d params) on %d half-moon points"):format(#params, n))
  for epoch = 1, epochs do
    local t0 = os.clock()
    local loss, correct = 0.0, 0
    for k = 1, n do
      local s = f(xs[k])
      if (s.value > 0) == (ys[k] > 0) then correct = correct + 1 end
      loss = loss + softplus(-ys[k] * s)
    end
    loss = loss / n
    loss:backward()
    for i = 1, #params do  -- Adam step
      local p, g = params[i], params[i].grad
      mom[i] = b1 * mom[i] + (1 - b1) * g
      vel[i] = b2 * vel[i] + (1 - b2) * g * g
      local mh, vh = mom[i] / (1 - b1 ^ epoch), vel[i] / (1 - b2 ^ epoch)
      p.value = p.value - lr * mh / (math.sqrt(vh) + eps)
    end
    cr.zero_grad(params)
    local dt = os.clock() - t0
    res.time = res.time + dt
    res.loss, res.accuracy = loss.value, correct / n
    if res.accuracy >= 0.95 and not res.reached then res.reached = epoch end
    say(("epoch %3d  loss %.4f  accuracy %5.1f%%  time %.3fs"):format(
      epoch, res.loss, 100 * res.accuracy, dt))
  end
  if res.reached then
    say(("reached the 95%% accuracy target at epoch %d; final accuracy %.1f%%"):format(
      res.reached, 100 * res.accuracy))
  else
    say(("did not reach 95%% accuracy in %d epochs (final %.1f%%)"):format(
      epochs, 100 * res.accuracy))
  end
  return res
end

-- run as a script, not when loaded by the tests or the benchmark
if arg and arg[0] and arg[0]:match("mlp%.lua$") then
  local res = M.train{epochs = tonumber(arg[1]) or 80}
  os.exit(res.reached and 0 or 1)
end

return M
