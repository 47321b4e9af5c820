-- wrk script for our tracker: GET /tracks/{id}/peers with a valid bearer token, over many tracks.
-- args: <token file> <number of tracks>. Requests are built once in init so wrk spends its CPU on sending.
local requests = {}
local count

function init(args)
  local file = assert(io.open(args[1]))
  local token = file:read("*l")
  file:close()
  count = tonumber(args[2] or "1000")
  local headers = { ["Authorization"] = "Bearer " .. token }
  for i = 0, count - 1 do
    requests[i] = wrk.format("GET", "/tracks/bench-" .. i .. "/peers", headers)
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  -- Log-uniform rank: popular tracks are asked far more often than the tail (Zipf-like, s = 1).
  return requests[math.floor(count ^ math.random()) - 1]
end
