#!/usr/bin/env bash
# The README's test command. On a fresh Debian machine with only the .NET SDK it installs what the
# tests need (ffmpeg, opus-tools, redis-server, iproute2), starts a private Redis on a free port of
# 127.0.0.1, runs every test of Spotify.Rx.sln, and ends with "N passed, N failed, N skipped".
# Exit code 0 only when the build succeeded and no test failed.
# Arguments go to `dotnet test` (e.g. --filter, -c Release).
set -uo pipefail
cd "$(dirname "$0")/.."

say() { echo "test.sh: $*" >&2; }

if ! command -v dotnet >/dev/null; then
  say "the .NET SDK is not on PATH: install .NET 10 (https://dot.net) first"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# What each tool is for: ffprobe/ffmpeg and opusinfo check our Ogg Opus against independent decoders,
# redis-server runs the tracker's Redis store, ip the network-namespace tests.
need=()
command -v ffprobe >/dev/null || need+=(ffmpeg)
command -v opusinfo >/dev/null || need+=(opus-tools)
command -v redis-server >/dev/null || need+=(redis-server)
command -v ip >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then apt_get=(apt-get)
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt_get=(sudo apt-get)
  else apt_get=()
  fi
  if [ ${#apt_get[@]} -eq 0 ] || ! command -v apt-get >/dev/null; then
    say "missing: ${need[*]}. Install them as root, then run this again:"
    say "  apt-get install -y ${need[*]}"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  say "installing: ${need[*]}"
  if ! { DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -qq >/dev/null \
         && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq "${need[@]}" >/dev/null; }; then
    say "apt-get install ${need[*]} failed"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
fi

work=$(mktemp -d)
redis_pid=
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private Redis for the tracker's Redis store: a free port (a busy one makes redis-server exit at
# once, so try another), no persistence, gone when the script ends.
for _ in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 40000))
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$work" \
    --logfile "$work/redis.log" >/dev/null 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then break 2; fi
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; redis_pid=
done
if [ -z "$redis_pid" ]; then
  say "could not start redis-server on 127.0.0.1 (see its log below)"
  tail -5 "$work/redis.log" >&2 2>/dev/null
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
export SPOTIFY_RX_REDIS="127.0.0.1:$port"
# Here the Redis-backed tests must run: a missing Redis fails them instead of letting them return early.
export SPOTIFY_RX_REQUIRE_REDIS=1

results="$work/results"
# One test assembly at a time (-m:1): the client's integration tests play at 12x and the multi-host
# test runs five nodes; on two cores, running them beside other assemblies only adds load to both.
dotnet test Spotify.Rx.sln -m:1 --logger trx --results-directory "$results" "$@" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}

# Sum the counters of every test run's TRX file (one per test assembly).
count() {
  local sum=0 n f
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    n=$(grep -o "<Counters [^>]*" "$f" | grep -oE " $1=\"[0-9]+\"" | grep -oE "[0-9]+")
    sum=$((sum + ${n:-0}))
  done
  echo "$sum"
}
# xunit's skipped tests are counted in neither "passed" nor "notExecuted": they are the total less the executed.
passed=$(count passed); failed=$(count failed); skipped=$(( $(count total) - $(count executed) ))
# A build error or a test host that crashed produces no failed counter: it is still a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
