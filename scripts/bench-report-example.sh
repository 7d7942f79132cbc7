#!/usr/bin/env bash
# Makes the README's example benchmark report the way CI makes its test results: the example cluster
# with loopback addresses (127.x) and small fio values, rendered, then the bundles' own scripts on this
# one machine: pivoine's run-fio.sh (real fio, 16 MiB, 2 s per job) and every node's iperf3-client.sh
# against one real iperf3 server (2 s per path). Needs fio and iperf3. Usage: scripts/bench-report-example.sh [OUT_DIR]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-"${repo}/docs/bench-example"}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
sed -e "s|filename: \"/mnt/fio/testfile\"|filename: \"${work}/vm/testfile\"|" \
  -e 's|size: "1G"|size: "16M"|' -e 's|runtimeSeconds: 60|runtimeSeconds: 2|' \
  -e 's|durationSeconds: 10|durationSeconds: 2|' -e "s|port: 5201|port: ${port}|" \
  -e 's|"10\.100\.3\.|"127.0.3.|g' -e 's|"10\.100\.4\.|"127.0.4.|g' -e 's|"10\.10\.|"127.10.|g' \
  "${repo}/examples/homegarden.config.ts" >"${work}/homegarden.config.ts"
(cd "$work" && HOMEGARDEN_VRRP_PASSWORD=example "${repo}/bin/homegarden" render -o out >/dev/null)

results="${work}/results"
"${work}/out/pivoine/bench/run-fio.sh" "$results" >/dev/null
iperf3 --server --port "$port" >/dev/null &
server_pid=$!
sleep 0.5
for node in pivoine petunia dahlia; do
  "${work}/out/${node}/bench/iperf3-client.sh" "$results" >/dev/null
done

mkdir -p "$out"
set +e
"${repo}/bin/homegarden" bench report "$results" --out "$out"
status=$?
set -e
# 0 or 1 (findings) both mean a report was written.
[[ $status -le 1 ]]
