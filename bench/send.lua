-- wrk script: POST a new message per request to $MESSAGES_PATH with $TOKEN, and print p99.9.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local counter = 0
request = function()
  counter = counter + 1
  local body = '{"content":"load test message ' .. counter .. ' with **markdown** and a link https://example.com"}'
  return wrk.format(nil, os.getenv("MESSAGES_PATH"), nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors=%d non2xx=%d duration_s=%.2f rps=%.0f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
  for _, p in pairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("p%s_ms=%.2f ", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max_ms=%.2f\n", latency.max / 1000))
end
