#!/usr/bin/env bash
# The main server on a large library: how long it takes to start, its memory and open files, and whether
# it serves tracks byte-exact from both front ends. The library is made from a few real tracks with hard
# links and distinct manifests (tools/bench/catalogue-library.py), so 100,000 tracks cost 2.6 GB of
# manifests and no audio bytes.
#
#   bash tools/bench/catalogue.sh                         # 100,000 tracks in /tmp/spotify-rx-catalogue
#   COUNT=10000 SEED=data/library OUT=/tmp/lib bash tools/bench/catalogue.sh
#   bash tools/bench/catalogue.sh && LIBRARY=/tmp/spotify-rx-catalogue/library bash tools/bench/server.sh
#
# SEED defaults to data/library (the sample library; generate 4 tracks with
# `dotnet run --project tools/Library -- generate --count 4 --out DIR` if it is not there).
set -euo pipefail
cd "$(dirname "$0")/../.."

COUNT=${COUNT:-100000}
SEED=${SEED:-data/library}
OUT=${OUT:-/tmp/spotify-rx-catalogue}
FETCH=${FETCH:-200}          # tracks fetched whole from each front end and compared with their files
library=$OUT/library

[ -d "$SEED" ] || { echo "no seed library at $SEED"; exit 1; }
echo "== library: $COUNT tracks in $library (from $SEED)"
start=$(date +%s.%N)
python3 tools/bench/catalogue-library.py "$SEED" "$library" "$COUNT"
echo "   made in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s"

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
json_field() { python3 -c "import json,sys;d=json.load(sys.stdin);print($1)"; }

echo "== building the server (Release)"
dotnet build -c Release Nodes/Server -nologo -v q -clp:ErrorsOnly >/dev/null
# Cold page cache for the manifests is not measured: the library was just written, as after an import.
port=$(free_port); audio_port=$(free_port)
ours="http://127.0.0.1:$port"; audio="http://127.0.0.1:$audio_port"
started=$(date +%s.%N)
dotnet Nodes/Server/bin/Release/net10.0/Spotify.Rx.Server.dll --urls "$ours" --Server:AudioUrl="$audio" \
  --Server:LibraryFolder="$library" --Server:SigningKeyFile="$work/key.pem" --Server:DemoAccount=true \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Spotify.Rx=Information ${SERVER_ARGS:-} >"$work/server.log" 2>&1 &
server_pid=$!
until curl -fs "$ours/healthz" >/dev/null 2>&1; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "server exited"; exit 1; }
  sleep 0.05
done
ready=$(python3 -c "print(f'{$(date +%s.%N) - $started:.2f}')")
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$server_pid/status"; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }
echo "   healthy after $ready s (process start to /healthz 200): $(grep -o 'indexed in [0-9]* ms' "$work/server.log")"
echo "   after start: RSS $(rss) MB, $(fds) open files"

token=$(curl -fs -X POST "$ours/auth/token" -H 'content-type: application/json' \
  -d '{"user":"demo","password":"demo","peerId":"catalogue"}' | json_field 'd["token"]')
auth=(-H "authorization: Bearer $token")
total=$(curl -fs "${auth[@]}" "$ours/tracks?pageSize=1" | json_field 'd["total"]')
echo "   catalogue: $total tracks"

echo "== fetching $FETCH random tracks whole from each front end, comparing with the files"
bad=0
for id in $(python3 -c "import random;r=random.Random(7);print(' '.join(f'cat-{r.randrange($COUNT):06d}' for _ in range($FETCH)))"); do
  want=$(sha256sum <"$library/$id.opus")
  for base in "$ours" "$audio"; do
    got=$(curl -fs "${auth[@]}" "$base/tracks/$id/audio" | sha256sum)
    [ "$got" = "$want" ] || { echo "   $id from $base differs"; bad=$((bad + 1)); }
  done
done
echo "   $((FETCH * 2)) fetches, $bad differ; RSS $(rss) MB, $(fds) open files"

echo "== search"
for q in "tides" "amber 4" "mira 7" "no such words"; do
  out=$(curl -fs -G "${auth[@]}" -w '\n%{time_total}' "$ours/tracks" --data-urlencode "q=$q" --data-urlencode "pageSize=5")
  n=$(head -n1 <<<"$out" | json_field 'd["total"]')
  echo "   q=\"$q\": $n tracks, $(tail -n1 <<<"$out" | python3 -c 'import sys;print(round(float(sys.stdin.read())*1000))') ms (request to response, as curl saw it)"
done
echo "== at the end: RSS $(rss) MB, $(fds) open files; load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
[ "$bad" = 0 ]
