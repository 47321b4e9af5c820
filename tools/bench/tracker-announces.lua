-- wrk script for opentracker: announces over the same number of whitelisted info hashes with the
-- same popularity as tracker-lookups.lua, 10 peers wanted, each from one of 20 peer ids/ports per
-- torrent (so swarms hold 20, as ours do). Requests are built once in init, as in tracker-lookups.lua.
-- args: <whitelist file: one hex info hash per line>
local requests = {}
local count = 0

function init(args)
  for hex in io.lines(args[1]) do
    local encoded = hex:gsub("%x%x", function(byte) return "%" .. byte end)
    local byPeer = {}
    for peer = 0, 19 do
      byPeer[peer] = wrk.format("GET", "/announce?info_hash=" .. encoded
        .. "&peer_id=-SRX001-bench" .. string.format("%07d", peer) .. "&port=" .. (40000 + peer)
        .. "&uploaded=0&downloaded=0&left=1000&compact=1&numwant=10")
    end
    requests[count] = byPeer
    count = count + 1
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return requests[math.floor(count ^ math.random()) - 1][math.random(0, 19)]
end
