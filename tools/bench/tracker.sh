#!/usr/bin/env bash
# Tracker lookups vs opentracker announces, one run on this machine (issue 5). Our tracker answers
# GET /tracks/{id}/peers with a valid bearer token, once with the in-memory store and once with
# Redis; opentracker answers announces for whitelisted info hashes. Same wrk settings, keep-alive,
# the same number of tracks/torrents and the same Zipf-like popularity for all three.
#
#   bash tools/bench/tracker.sh
#   DURATION=20s CONNECTIONS=128 TRACKS=5000 bash tools/bench/tracker.sh
#
# Prints requests/s side by side with the ratio to opentracker and the issue's target (>= 2x).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
TRACKS=${TRACKS:-1000}
PEERS=${PEERS:-20}
ROUNDS=${ROUNDS:-3}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v opentracker >/dev/null || need+=(opentracker)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_for() { # url pid log
  for _ in $(seq 1 120); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; echo "exited before answering $1"; exit 1; }
    sleep 0.5
  done
  cat "$3"; echo "$1 never answered"; exit 1
}

# measure NAME URL SCRIPT ARGS...: one measured wrk run, its requests/s appended to rps[NAME].
declare -A rps p99 non2xx closed
measure() {
  local name=$1 url=$2 script=$3; shift 3
  local out="$work/$name.$round.wrk"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url" -- "$@" >"$out"
  rps[$name]="${rps[$name]:-} $(awk '/^Requests\/sec:/ {print $2}' "$out")"
  # wrk prints 850.12us, 21.91ms or 1.02s: kept in ms so rounds compare.
  p99[$name]="${p99[$name]:-} $(awk '/^ +99%/ {v=$2+0; if ($2 ~ /us$/) v/=1000; else if ($2 ~ /[0-9]s$/) v*=1000; printf "%.2f", v}' "$out")"
  non2xx[$name]=$(( ${non2xx[$name]:-0} + $(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out" | grep . || echo 0) ))
  closed[$name]=$(( ${closed[$name]:-0} + $(awk '/Socket errors:/ {gsub(",","");print $6}' "$out" | grep . || echo 0) ))
  printf '   round %s %-12s %10s requests/s\n' "$round" "$name" "$(awk '/^Requests\/sec:/ {print $2}' "$out")"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }

echo "== building the tracker and the bench helper (Release)"
dotnet build -c Release Nodes/Tracker -nologo -v q -clp:ErrorsOnly
dotnet build -c Release tools/bench/tracker-bench -nologo -v q -clp:ErrorsOnly
helper="$root/tools/bench/tracker-bench/bin/Release/net10.0/Spotify.Rx.TrackerBench.dll"
tracker="$root/Nodes/Tracker/bin/Release/net10.0/Spotify.Rx.Tracker.dll"

jwks_port=$(free_port)
dotnet "$helper" jwks --key "$work/key.pem" --port "$jwks_port" >"$work/jwks.log" 2>&1 &
jwks_pid=$!; pids+=("$jwks_pid")
wait_for "http://127.0.0.1:$jwks_port/.well-known/jwks.json" "$jwks_pid" "$work/jwks.log"

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$work" \
  --daemonize yes --pidfile "$work/redis.pid" >/dev/null

declare -A url
# start_ours NAME EXTRA-SETTINGS...: start our tracker and register PEERS peers on each of TRACKS tracks.
start_ours() {
  local name=$1; shift
  local port; port=$(free_port)
  url[$name]="http://127.0.0.1:$port"
  dotnet "$tracker" --urls "${url[$name]}" \
    --Tracker:JwksUrl="http://127.0.0.1:$jwks_port/.well-known/jwks.json" \
    --Tracker:RegistrationLifetime=01:00:00 --Logging:LogLevel:Default=Warning "$@" >"$work/$name.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  wait_for "${url[$name]}/healthz" "$pid" "$work/$name.log"
  echo "== $name: $(dotnet "$helper" populate --key "$work/key.pem" --tracker "${url[$name]}" \
    --tracks "$TRACKS" --peers "$PEERS" --token-out "$work/token")"
  local sample
  sample=$(curl -fs "${url[$name]}/tracks/bench-0/peers" -H "authorization: Bearer $(cat "$work/token")")
  echo "   sample lookup: ${sample:0:150}..."
}
start_ours memory
start_ours redis --Tracker:Redis="127.0.0.1:$redis_port"

# opentracker will not run as root: it chroots into its folder and drops to nobody, so both must be readable.
ot_dir="$work/opentracker"; mkdir -p "$ot_dir"; chmod 755 "$work" "$ot_dir"
python3 -c "import hashlib
for i in range($TRACKS): print(hashlib.sha1(b'bench-%d' % i).hexdigest())" >"$ot_dir/whitelist"
chmod 644 "$ot_dir/whitelist"
ot_port=$(free_port)
url[opentracker]="http://127.0.0.1:$ot_port"
cat >"$ot_dir/opentracker.conf" <<CONF
listen.tcp 127.0.0.1:$ot_port
access.whitelist /whitelist
tracker.rootdir $ot_dir
tracker.user nobody
CONF
opentracker -f "$ot_dir/opentracker.conf" >"$work/opentracker.log" 2>&1 &
ot_pid=$!; pids+=("$ot_pid")
announce="${url[opentracker]}/announce?info_hash=$(head -1 "$ot_dir/whitelist" | sed 's/../%&/g')&peer_id=-SRX001-bench0000099&port=40099&left=1000&compact=1&numwant=10"
wait_for "$announce" "$ot_pid" "$work/opentracker.log"
echo "== opentracker: $TRACKS whitelisted info hashes; sample announce: $(curl -fs "$announce" | head -c 100 | tr -c '[:print:]' '.')"

lookups=("$root/tools/bench/tracker-lookups.lua" "$work/token" "$TRACKS")
announces=("$root/tools/bench/tracker-announces.lua" "$ot_dir/whitelist")
echo "== warm-up ($WARMUP each): JIT for ours, swarms of $PEERS for opentracker"
for name in memory redis; do wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "${lookups[@]:0:1}" "${url[$name]}" -- "${lookups[@]:1}" >/dev/null; done
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "${announces[0]}" "${url[opentracker]}" -- "${announces[@]:1}" >/dev/null

# The machine is shared: rounds interleave the three targets so a busy moment hurts them alike.
echo "== $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency per target"
for round in $(seq 1 "$ROUNDS"); do
  measure memory "${url[memory]}" "${lookups[@]}"
  measure redis "${url[redis]}" "${lookups[@]}"
  measure opentracker "${url[opentracker]}" "${announces[@]}"
done

echo
echo "== tracker benchmark: $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)), wrk -t$THREADS -c$CONNECTIONS," \
  "$ROUNDS x $DURATION per target, $TRACKS tracks x $PEERS peers, Zipf-like popularity"
ot_median=$(echo "${rps[opentracker]}" | median)
printf '%-32s %14s %14s %12s %9s %12s %15s\n' "target" "median req/s" "best req/s" "p99 (median)" "non-2xx" "conn closed" "vs opentracker"
for name in memory redis opentracker; do
  case $name in
    memory) label="ours, in-memory store (lookup)";;
    redis) label="ours, Redis store (lookup)";;
    opentracker) label="opentracker (announce)";;
  esac
  m=$(echo "${rps[$name]}" | median)
  lat="$(echo "${p99[$name]}" | median)ms"
  printf '%-32s %14.0f %14.0f %12s %9s %12s %15s\n' "$label" "$m" "$(echo "${rps[$name]}" | best)" "$lat" \
    "${non2xx[$name]}" "${closed[$name]}" "$(awk -v a="$m" -v b="$ot_median" 'BEGIN {printf "%.2fx", a / b}')"
done
echo "(opentracker closes the connection after every answer, so wrk reconnects: its 'conn closed' are wrk's read errors)"
awk -v a="$(echo "${rps[memory]}" | median)" -v b="$ot_median" 'BEGIN {
  printf "target: in-memory >= 2x opentracker: %s (%.2fx, medians)\n", (a >= 2 * b ? "MET" : "NOT MET"), a / b }'
