-- wrk script: authenticated pupil-page reads. IDS and COOKIE come from run.sh (environment).
local ids = {}
for id in string.gmatch(os.getenv("IDS") or "", "[%w_-]+") do ids[#ids + 1] = id end
local cookie = os.getenv("COOKIE")
local path = os.getenv("PAD") or "/leerlingen/"
local suffix = os.getenv("SUFFIX") or ""
local n = 0
request = function()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  return wrk.format("GET", path .. id .. suffix, { ["Cookie"] = cookie })
end
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT req_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f requests=%d non2xx_or_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
