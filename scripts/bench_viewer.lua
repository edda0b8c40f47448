-- bench_viewer.lua: chainplot off-screen frame times at 1600x1000 (4 panels, adaptive sampling)
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
