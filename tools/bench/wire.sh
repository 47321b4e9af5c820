#!/usr/bin/env bash
# The peer wire protocol against iperf3 on loopback, one run on this machine (issue 6): one pair of
# clients on 127.0.0.1 moves a whole track in 16 KiB chunks with pipelined requests, every chunk
# checked against the manifest's SHA-256; then the memory an idle connection costs.
#
#   bash tools/bench/wire.sh                          # 128 MiB track, 3 runs, 64 requests in flight
#   bash tools/bench/wire.sh --track-mb 256 --window 128 --idle 400
#
# Prints MB/s of both, the ratio with the issue's target (>= 25 %), and KiB per idle connection end.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v iperf3 >/dev/null; then
  echo "installing: iperf3"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq iperf3 >/dev/null
fi

dotnet build -c Release tools/WireBench -v quiet -nologo >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
dotnet tools/WireBench/bin/Release/net10.0/Spotify.Rx.WireBench.dll "$@"
