-- mlp.lua: backpropagation demo, a 2-16-16-1 tanh network learning two half-moons
-- Run: lua5.4 scripts/mlp.lua [epochs] [--tape]  (after eval "$(make -s env)")
-- Trains through a compiled data-batch gradient by default; --tape uses the Var tape.
local cr = require "chainrule"
local m = cr.math
local tanh, softplus, relu, ceil = m.tanh, m.softplus, m.relu, m.ceil

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

-- the same network over a flat parameter array w (the order of net's params) and a row d = {x, y, label}
local function flatnet (w, d)
  local k = 0
  local function lay (x, nin, nout, act)
    local out = {}
    for j = 1, nout do
      local s = w[k + nin + 1]
      for i = 1, nin do s = s + w[k + i] * x[i] end
      k = k + nin + 1
      out[j] = act and act(s) or s
    end
    return out
  end
  return lay(lay(lay({d[1], d[2]}, 2, 16, tanh), 16, 16, tanh), 16, 1)[1]
end
M.flatnet = flatnet

--- loss(w, d): one row's logistic loss; hit(w, d): 1 when the row is classified right (w*d > 0)
function M.loss (w, d) return softplus(-d[3] * flatnet(w, d)) end
function M.hit (w, d) return ceil(relu(tanh(d[3] * flatnet(w, d)))) end

local function adam (vals, grads, mom, vel, epoch, lr)
  local b1, b2, eps = 0.9, 0.999, 1e-8
  for i = 1, #vals do
    local g = grads[i]
    mom[i] = b1 * mom[i] + (1 - b1) * g
    vel[i] = b2 * vel[i] + (1 - b2) * g * g
    local mh, vh = mom[i] / (1 - b1 ^ epoch), vel[i] / (1 - b2 ^ epoch)
    vals[i] = vals[i] - lr * mh / (math.sqrt(vh) + eps)
  end
end

--- bench_setup(n): flat params, the row loss, the rows, and one Var-tape training step
function M.bench_setup (n)
  local r = rng(20240601)
  local xs, ys = M.moons(n, 0.1, r)
  local f, params = M.net(r)
  local w, rows = {}, {}
  for i = 1, #params do w[i] = params[i].value end
  for k = 1, n do rows[k] = {xs[k][1], xs[k][2], ys[k]} end
  local function step ()
    local loss = 0.0
    for k = 1, n do loss = loss + softplus(-ys[k] * f(xs[k])) end
    loss = loss / n
    loss:backward()
    cr.zero_grad(params)
  end
  return w, M.loss, rows, step
end

-- full-batch Adam through the compiled data-batch gradient: f and its gradient summed in C
local function train_compiled (opt, xs, ys, params, res, say)
  local n, lr = #xs, opt.lr or 0.05
  local w, rows, mom, vel = {}, {}, {}, {}
  for i = 1, #params do w[i], mom[i], vel[i] = params[i].value, 0.0, 0.0 end
  for k = 1, n do rows[k] = {xs[k][1], xs[k][2], ys[k]} end
  local t0 = os.clock()
  local G = cr.compile(M.loss, {n = #w, data = 3})
  local H = cr.compile(M.hit, {n = #w, data = 3})
  res.compile_time = os.clock() - t0
  local gbuf = {}
  for epoch = 1, res.epochs do
    t0 = os.clock()
    local correct = H:value(w, rows)
    local g, loss = G:gradient(w, rows, gbuf)  -- into the same table every epoch
    loss = loss / n
    for i = 1, #g do g[i] = g[i] / n end
    adam(w, g, mom, vel, epoch, lr)
    local dt = os.clock() - t0
    res.time = res.time + dt
    res.loss, res.accuracy = loss, correct / n
    if res.accuracy >= 0.95 and not res.reached then res.reached = epoch end
    say(("epoch %3d  loss %.4f  accuracy %5.1f%%  time %.3fs"):format(
      epoch, res.loss, 100 * res.accuracy, dt))
  end
  for i = 1, #params do params[i].value = w[i] end
end

--- train{epochs, samples, seed, lr, quiet, tape}: full-batch Adam on the logistic loss, through
--- the compiled data-batch gradient (or the Var tape with tape = true); the result holds loss,
--- accuracy, the epoch 95% was reached, the time, and the trained net
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
  say(("training 2-16-16-1 tanh MLP (%d params) on %d half-moon points (%s)"):format(#params, n,
      opt.tape and "Var tape" or "compiled data-batch gradient"))
  res.mode = opt.tape and "tape" or "compiled"
  if not opt.tape then train_compiled(opt, xs, ys, params, res, say) end
  for epoch = 1, opt.tape and epochs or 0 do
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
  local epochs, tape = 80, false
  for i = 1, #arg do
    if arg[i] == "--tape" then tape = true else epochs = tonumber(arg[i]) or epochs end
  end
  local res = M.train{epochs = epochs, tape = tape}
  print(("training time %.3fs (%s)"):format(res.time, res.mode))
  os.exit(res.reached and 0 or 1)
end

return M
