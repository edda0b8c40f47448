-- bench_viewer.lua: chainplot off-screen frame times at 1600x1000 (4 panels, adaptive sampling)
local bin = os.getenv("CHAINPLOT") or "build/chainplot"
local rows = {}
for _, name in ipairs{"cubic", "tan", "log_gap", "neuron"} do
  local cmd = ("%s --bench 31 --size 1600x1000 plots/%s.lua 2>&1"):format(bin, name)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  local med, cur, first, samples, rss = out:match(
    "median_ms ([%d.]+)%s+cursor_only_ms ([%d.]+)%s+first_frame_ms ([%d.]+)%s+samples (%d+)%s+peak_rss_kb (%-?%d+)")
  if not med then error("chainplot --bench failed: " .. out) end
  rows[#rows + 1] = ("| plots/%s.lua | %s | %s | %s | %s | %.1f |"):format(
    name, med, cur, first, samples, tonumber(rss) / 1024)
end
print("chainplot, 1600x1000, software renderer, median of 31 frames")
print("| script | frame, resampled (ms) | frame, cursor moved (ms) | start to first frame (ms) | samples per frame | peak RSS (MB) |")
print("|---|---|---|---|---|---|")
for _, r in ipairs(rows) do print(r) end
