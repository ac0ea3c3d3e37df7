-- POST each party of BENCH_IDS in turn to each path of BENCH_PATHS (";"-separated, %d for the id):
-- every party first to the first path (arrived), then every party to the second (greeted), so
-- every request is a different party and step. One wrk thread, so the ids are never shared.
local ids, paths = {}, {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "", "%d+") do
  table.insert(ids, id)
end
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^;]+") do
  table.insert(paths, path)
end
-- wrk calls request() once before the run to check what it returns (script_verify_request, on the
-- first thread's state) and does not send that one: start one early, so the first sent is party 1's
-- arrival (starting at 0, party 1 was never marked arrived and its "greeted" came back 409).
local next_index = -1

request = function()
  local i = next_index % (#ids * #paths)
  next_index = next_index + 1
  local path = paths[math.floor(i / #ids) + 1]
  return wrk.format("POST", string.format(path, ids[(i % #ids) + 1]), nil, "")
end
