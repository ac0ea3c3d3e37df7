-- Shared by every wrk run of the benchmark: count the status codes per thread and print one
-- machine-readable line plus the latency histogram (value in microseconds, count) at the end.
-- A script before it may define answered_hook() (called after each response) and walked_us (a
-- round's own length, when it ended before wrk's deadline: walk.lua).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if answered_hook then answered_hook() end
end

function done(summary, latency, requests)
  local codes, walked = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      codes[status] = (codes[status] or 0) + n
    end
    walked = math.max(walked, thread:get("walked_us") or 0)
  end
  local parts = {}
  for status, n in pairs(codes) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "walked_us": %d, "statuses": {%s}}\n', summary.requests, summary.duration,
    summary.bytes,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), walked, table.concat(parts, ", ")))
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("HIST %d %d\n", value, count))
  end
end
