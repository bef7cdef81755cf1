-- wrk script of the fault scripts: signed-in pupil pages (IDS, COOKIE from the environment), and
-- a count per HTTP status, so a fault's errors show as what they are (503 is a clean refusal,
-- 500 is not).
local ids = {}
for id in string.gmatch(os.getenv("IDS") or "", "[%w_-]+") do ids[#ids + 1] = id end
local cookie = os.getenv("COOKIE")
local n = 0
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
init = function()
  codes = {}
end
request = function()
  n = n + 1
  return wrk.format("GET", "/leerlingen/" .. ids[(n % #ids) + 1], { ["Cookie"] = cookie })
end
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    for k, v in pairs(c) do all[k] = (all[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(all) do parts[#parts + 1] = "http" .. k .. "=" .. v end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format("RESULT req_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f requests=%d non2xx_or_errors=%d socket_errors=%d %s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.status + e.connect + e.read + e.write + e.timeout,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, " ")))
end
