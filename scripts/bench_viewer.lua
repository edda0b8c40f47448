-- bench_viewer.lua: chainplot off-screen frame times at 1600x1000 (4 panels, adaptive sampling;
-- then the graph view: the tiny net and a 60-node graph)
local bin = os.getenv("CHAINPLOT") or "build/chainplot"

local function bench (name, extra)
  local cmd = ("%s --bench 31 --size 1600x1000 %s plots/%s.lua 2>&1"):format(bin, extra, name)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  local med, cur, first, samples, rss = out:match(
    "median_ms ([%d.]+)%s+cursor_only_ms ([%d.]+)%s+first_frame_ms ([%d.]+)%s+samples (%d+)%s+peak_rss_kb (%-?%d+)")
  if not med then error("chainplot --bench failed: " .. out) end
  return med, cur, first, samples, rss
end

local rows = {}
for _, name in ipairs{"cubic", "tan", "log_gap", "neuron", "abs_branch"} do
  local med, cur, first, samples, rss = bench(name, "")
  local dmed = bench(name, "--duals")
  rows[#rows + 1] = ("| plots/%s.lua | %s | %s | %.1fx | %s | %s | %s | %.1f |"):format(
    name, med, dmed, tonumber(dmed) / tonumber(med), cur, first, samples, tonumber(rss) / 1024)
end
print("chainplot, 1600x1000, software renderer, median of 31 frames")
print("| script | frame, resampled (ms) | same with --duals (ms) | speed-up | frame, cursor moved (ms) | start to first frame (ms) | samples per frame | peak RSS (MB) |")
print("|---|---|---|---|---|---|---|---|")
for _, r in ipairs(rows) do print(r) end

-- the graph view: each frame records the graph again (cr.graph in the sandbox) and draws it
-- after the whole backward pass; "drawn only" redraws without recording (a key press)
local function graphbench (path)
  local cmd = ("%s --bench 31 --size 1600x1000 --step all %s 2>&1"):format(bin, path)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  local med, cur, first, rss = out:match(
    "median_ms ([%d.]+)%s+cursor_only_ms ([%d.]+)%s+first_frame_ms ([%d.]+)%s+samples %d+%s+peak_rss_kb (%-?%d+)")
  if not med then error("chainplot --bench failed: " .. out) end
  p = assert(io.popen(("%s --verbose --output /dev/null --size 1600x1000 %s 2>&1"):format(bin, path)))
  local _, nodes = p:read("a"):gsub("chainplot: graph box ", "")
  p:close()
  return nodes, med, cur, first, rss
end

print()
print("chainplot graph view, 1600x1000, software renderer, after the whole pass, median of 31 frames")
print("| script | nodes | frame, graph recorded again (ms) | frame, drawn only (ms) | start to first frame (ms) | peak RSS (MB) |")
print("|---|---|---|---|---|---|")
for _, path in ipairs{"plots/neuron_graph.lua", "plots/tiny_net.lua", "bench/graph60.lua"} do
  local nodes, med, cur, first, rss = graphbench(path)
  print(("| %s | %d | %s | %s | %s | %.1f |"):format(path, nodes, med, cur, first, tonumber(rss) / 1024))
end
