#!/usr/bin/env bash
# Main server vs nginx, one run on this machine (issue 4): the same track file, the same byte
# ranges, wrk with keep-alive. Ours is measured twice: the Kestrel route (/tracks/{id}/audio on the
# main port) and the sendfile endpoint (Server:AudioUrl, same path, zero copy). Ours gets a valid
# bearer token on every request.
#
#   bash tools/bench/server.sh                 # sample library in data/library (generated on first start)
#   LIBRARY=/path/to/lib DURATION=20s ROUNDS=5 bash tools/bench/server.sh
#   LIBRARY=/tmp/spotify-rx-catalogue/library SPREAD=100000 bash tools/bench/server.sh
#                                              # each request to a random one of the first SPREAD tracks
#                                              # (a library from tools/bench/catalogue.sh; all tracks
#                                              # at least as long as the first)
#
# Prints requests/s of nginx and both of ours side by side, each ratio to nginx and the issue's target.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
LIBRARY=${LIBRARY:-data/library}
SMALL=16384      # one 16 KiB chunk
LARGE=300000     # 15 s at 160 kbit/s
ROUNDS=${ROUNDS:-3}
SPREAD=${SPREAD:-0}

need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys;d=json.load(sys.stdin);print($1)"; }

echo "== building the server (Release)"
dotnet build -c Release Nodes/Server -nologo -v q -clp:ErrorsOnly >/dev/null || dotnet build -c Release Nodes/Server -nologo -v q -clp:ErrorsOnly

ours_port=$(free_port)
ours="http://127.0.0.1:$ours_port"
audio_port=$(free_port)
while [ "$audio_port" = "$ours_port" ]; do audio_port=$(free_port); done
audio="http://127.0.0.1:$audio_port"
echo "== starting the server on $ours, sendfile endpoint on $audio (library: $LIBRARY)"
(cd "$root" && exec dotnet Nodes/Server/bin/Release/net10.0/Spotify.Rx.Server.dll \
   --urls "$ours" --Server:AudioUrl="$audio" --Server:SigningKeyFile="$work/server-signing.pem" --Server:DemoAccount=true \
   $( [ "$LIBRARY" != data/library ] && echo "--Server:LibraryFolder=$LIBRARY" ) \
   ${SERVER_ARGS:-} --Logging:LogLevel:Default=Warning --Logging:LogLevel:Spotify.Rx=Information) >"$work/server.log" 2>&1 &
server_pid=$!
# Library generation on a fresh machine can take a while; show its progress as it goes.
shown=0
for _ in $(seq 1 1800); do
  if curl -fs "$ours/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; echo "server exited"; exit 1; fi
  lines=$(wc -l <"$work/server.log"); if [ "$lines" -gt "$shown" ]; then tail -n +"$((shown + 1))" "$work/server.log"; shown=$lines; fi
  sleep 0.5
done
curl -fs "$ours/healthz" >/dev/null || { cat "$work/server.log"; echo "server never became healthy"; exit 1; }

token=$(curl -fs -X POST "$ours/auth/token" -H 'content-type: application/json' \
  -d '{"user":"demo","password":"demo","peerId":"bench"}' | json_field 'd["token"]')
track=$(curl -fs "$ours/tracks?page=1&pageSize=1" -H "authorization: Bearer $token" | json_field 'd["items"][0]["id"]')
file=$(cd "$LIBRARY" && pwd)/$track.opus
size=$(stat -c %s "$file")
echo "== track $track: $size bytes ($file)"
[ "$size" -gt $((LARGE + SMALL)) ] || { echo "track too short for a $LARGE byte part"; exit 1; }

nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 120s;
  keepalive_requests 100000000;
  open_file_cache max=256 inactive=60s;   # as many as our Server:OpenFiles default
  default_type audio/ogg;
  server {
    listen 127.0.0.1:$nginx_port reuseport backlog=4096;
    root $(dirname "$file");
    location / { }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
theirs="http://127.0.0.1:$nginx_port"

# Both serve the same bytes for the same range; check once before timing anything.
offset=$(( size / 3 ))
check() { # url range [auth]
  curl -fs -o "$work/body" -w '%{http_code}' -H "Range: bytes=$2" ${3:+-H "authorization: Bearer $3"} "$1"
}
for part in $SMALL $LARGE; do
  r="$offset-$((offset + part - 1))"
  a=$(check "$ours/tracks/$track/audio" "$r" "$token"); sum_a=$(sha256sum <"$work/body")
  s=$(check "$audio/tracks/$track/audio" "$r" "$token"); sum_s=$(sha256sum <"$work/body")
  b=$(check "$theirs/$track.opus" "$r"); sum_b=$(sha256sum <"$work/body")
  [ "$a" = 206 ] && [ "$s" = 206 ] && [ "$b" = 206 ] && [ "$sum_a" = "$sum_b" ] && [ "$sum_s" = "$sum_b" ] \
    || { echo "servers disagree on $r: kestrel $a, sendfile $s, nginx $b"; exit 1; }
done

if [ "$SPREAD" -gt 0 ]; then
  echo "== listing the first $SPREAD tracks for spread requests"
  python3 - "$ours" "$token" "$SPREAD" >"$work/ids" <<'PY'
import json, sys, urllib.request
base, token, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids, page = [], 1
while len(ids) < want:
    req = urllib.request.Request(f"{base}/tracks?page={page}&pageSize=200", headers={"authorization": f"Bearer {token}"})
    items = json.load(urllib.request.urlopen(req))["items"]
    if not items:
        break
    ids += [t["id"] for t in items]
    page += 1
print("\n".join(ids[:want]))
PY
  { printf 'ids = {'; sed 's/.*/"&",/' "$work/ids" | tr -d '\n'; echo '}'; } >"$work/ids.lua"
  echo "   $(wc -l <"$work/ids") tracks"
fi
lua() { # name range [token] [path-template: {id} replaced per request]
  { echo "wrk.headers[\"Range\"] = \"bytes=$2\""
    if [ -n "${3:-}" ]; then echo "wrk.headers[\"Authorization\"] = \"Bearer $3\""; fi
    if [ "$SPREAD" -gt 0 ] && [ -n "${4:-}" ]; then
      cat "$work/ids.lua"
      echo "local before, after = \"${4%%\{id\}*}\", \"${4#*\{id\}}\""
      echo 'request = function() return wrk.format(nil, before .. ids[math.random(#ids)] .. after) end'
    fi
  } >"$work/$1.lua"
}
run() { # url script -> requests/s
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$work/$2.lua" "$1" >"$work/$2.out"
  if grep -q 'Non-2xx' "$work/$2.out"; then cat "$work/$2.out" >&2; echo "non-2xx responses in $2" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/$2.out"
}

small_range="$offset-$((offset + SMALL - 1))"
large_range="$offset-$((offset + LARGE - 1))"
lua ours-small "$small_range" "$token" "/tracks/{id}/audio"; lua nginx-small "$small_range" "" "/{id}.opus"
lua ours-large "$large_range" "$token" "/tracks/{id}/audio"; lua nginx-large "$large_range" "" "/{id}.opus"
# The client's own 15 s request: the time form, answered with whole pages (about 300 kB).
lua ours-time "" "$token" "/tracks/{id}/audio?from=20&seconds=15"
sed -i '/"Range"/d' "$work/ours-time.lua"

echo "== warming up"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$work/ours-small.lua" "$ours/tracks/$track/audio" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$work/ours-large.lua" "$ours/tracks/$track/audio" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$work/ours-small.lua" "$audio/tracks/$track/audio" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$work/ours-large.lua" "$audio/tracks/$track/audio" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$work/nginx-small.lua" "$theirs/$track.opus" >/dev/null

echo "== measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, keep-alive, $ROUNDS rounds alternating servers (median kept)"
declare -A runs
for round in $(seq 1 "$ROUNDS"); do
  runs[n_small]+=" $(run "$theirs/$track.opus" nginx-small)"
  runs[o_small]+=" $(run "$ours/tracks/$track/audio" ours-small)"
  runs[n_large]+=" $(run "$theirs/$track.opus" nginx-large)"
  runs[o_large]+=" $(run "$ours/tracks/$track/audio" ours-large)"
  runs[o_time]+=" $(run "$ours/tracks/$track/audio?from=20&seconds=15" ours-time)"
  runs[s_small]+=" $(run "$audio/tracks/$track/audio" ours-small)"
  runs[s_large]+=" $(run "$audio/tracks/$track/audio" ours-large)"
  runs[s_time]+=" $(run "$audio/tracks/$track/audio?from=20&seconds=15" ours-time)"
  echo "   round $round: 16 KiB nginx/kestrel/sendfile ${runs[n_small]##* }/${runs[o_small]##* }/${runs[s_small]##* }" \
       " 300 kB ${runs[n_large]##* }/${runs[o_large]##* }/${runs[s_large]##* }" \
       " time form kestrel/sendfile ${runs[o_time]##* }/${runs[s_time]##* }  (load $(cut -d' ' -f1 /proc/loadavg))"
done
median() { echo "$1" | tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
n_small=$(median "${runs[n_small]}"); o_small=$(median "${runs[o_small]}")
n_large=$(median "${runs[n_large]}"); o_large=$(median "${runs[o_large]}")
o_time=$(median "${runs[o_time]}")
s_small=$(median "${runs[s_small]}"); s_large=$(median "${runs[s_large]}"); s_time=$(median "${runs[s_time]}")

row() { printf '%-28s %12s %14s %8s %14s %8s %8s\n' "$@"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}x')"; }
echo
row "part" "nginx req/s" "kestrel req/s" "ratio" "sendfile req/s" "ratio" "target"
row "16 KiB (Range)" "$n_small" "$o_small" "$(ratio "$o_small" "$n_small")" "$s_small" "$(ratio "$s_small" "$n_small")" ">=0.8x"
row "15 s = 300000 B (Range)" "$n_large" "$o_large" "$(ratio "$o_large" "$n_large")" "$s_large" "$(ratio "$s_large" "$n_large")" ">=1.0x"
row "15 s (?from=20&seconds=15)" "$n_large" "$o_time" "$(ratio "$o_time" "$n_large")" "$s_time" "$(ratio "$s_time" "$n_large")" "-"
echo
echo "(kestrel: /tracks/{id}/audio on the main port; sendfile: the same path on Server:AudioUrl;"
echo " nginx: sendfile, $(nproc) workers, access log off; ours: Release, token checked on every request;"
echo " wrk runs on the same $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "our server at the end: RSS $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$server_pid/status"), $(ls "/proc/$server_pid/fd" | wc -l) open files$( [ "$SPREAD" -gt 0 ] && echo ", requests spread over $SPREAD tracks")"
