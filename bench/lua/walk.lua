-- POST to BENCH_PATH (with %d for the id) for each id in BENCH_IDS in turn: every request a
-- different party. One wrk thread, so the ids are never shared between threads.
local ids = {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "", "%d+") do
  table.insert(ids, id)
end
local path = os.getenv("BENCH_PATH")
local next_index = 0

request = function()
  next_index = next_index + 1
  local id = ids[((next_index - 1) % #ids) + 1]
  return wrk.format("POST", string.format(path, id), nil, "")
end
