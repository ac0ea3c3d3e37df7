-- POST each party of BENCH_IDS in turn to each path of BENCH_PATHS (";"-separated, %d for the id):
-- every party first to the first path (arrived), then every party to the second (greeted), so
-- every request is a different party and step. One wrk thread, so the ids are never shared.
--
-- A round is the pool walked once: no step is sent twice, and when the last one is answered the
-- thread stops and keeps the time from the first step sent to the last answered (walked_us, which
-- report.lua prints). A machine that walks the pool within wrk's whole seconds used to go round
-- again and meet parties already arrived: cheap 409s counted as taps. A slower machine's round
-- ends at wrk's deadline as before (walked_us stays 0).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC, HOLD_MS = 1, 3600000
local moment = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, moment)
  return tonumber(moment.tv_sec) * 1000000 + math.floor(tonumber(moment.tv_nsec) / 1000)
end

local ids, paths = {}, {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "", "%d+") do
  table.insert(ids, id)
end
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^;]+") do
  table.insert(paths, path)
end
local steps = #ids * #paths
-- wrk calls request() once before the run to check what it returns (script_verify_request, on the
-- first thread's state) and does not send that one: start one early, so the first sent is party 1's
-- arrival (starting at 0, party 1 was never marked arrived and its "greeted" came back 409).
local next_index = -1
-- Steps given out: a connection's first request is sent at once, every later one only after
-- delay() (wrk asks it once a script defines it), so two connections asking for the last step
-- at the same moment cannot both be sent it.
local granted, promised, answered = 0, 0, 0
first_us, walked_us = 0, 0 -- globals: report.lua's done() reads them with thread:get

delay = function()
  if granted >= steps then
    return HOLD_MS -- the pool is walked: this connection sends nothing more this round
  end
  granted, promised = granted + 1, promised + 1
  return 0
end

request = function()
  if next_index >= 0 then -- not wrk's check
    if promised > 0 then promised = promised - 1 else granted = granted + 1 end
    if next_index == 0 then first_us = now_us() end
  end
  local i = next_index % steps
  next_index = next_index + 1
  local path = paths[math.floor(i / #ids) + 1]
  return wrk.format("POST", string.format(path, ids[(i % #ids) + 1]), nil, "")
end

answered_hook = function()
  answered = answered + 1
  if answered == steps then
    walked_us = now_us() - first_us
    wrk.thread:stop()
  end
end
