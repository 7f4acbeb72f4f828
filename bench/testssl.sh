#!/usr/bin/env bash
# TLS check of a running orchestrator with testssl.sh (Debian package `testssl.sh`, installed when missing).
# It starts nothing: start the orchestrator first (e.g. `dotnet run --project src/Orchestrator -- demo`).
#
#   bench/testssl.sh [HOST:PORT ...]
#
# Default targets: 127.0.0.1:5001 (HTTPS: API and Studio) and 127.0.0.1:9090 (agent hub, mutual TLS, HTTP/2).
# Prints every finding rated above LOW (and checks testssl.sh could not run, WARN) with a count per severity;
# exits 1 when any finding is above LOW.
# SEVERITY=LOW bench/testssl.sh also lists the LOW ones. Full reports: bench/testssl-out/ (JSON per target).
set -euo pipefail

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(127.0.0.1:5001 127.0.0.1:9090)
severity=${SEVERITY:-MEDIUM}
ca_file=${CA_FILE:-certs/ca.crt}   # the P4Flow CA, trusted for this check only
out_dir=$(dirname "$0")/testssl-out

if ! command -v testssl >/dev/null 2>&1; then
    echo "Installing testssl.sh (apt)..." >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y testssl.sh >/dev/null; else sudo apt-get install -y testssl.sh >/dev/null; fi
fi
command -v jq >/dev/null 2>&1 || { echo "jq is needed to summarise the report (apt-get install jq)." >&2; exit 2; }

mkdir -p "$out_dir"
status=0
for target in "${targets[@]}"; do
    json="$out_dir/$(echo "$target" | tr ':/' '__').json"
    rm -f "$json"
    echo "== $target"
    # --ip one: the address given, not every address the name resolves to. --add-ca: the chain is checked
    # against the P4Flow CA (it is in no system trust store).
    testssl --quiet --color 0 --warnings batch --ip one --add-ca "$ca_file" --severity "$severity" --jsonfile "$json" "$target" >/dev/null 2>&1 || true
    if [ ! -s "$json" ]; then
        echo "   testssl.sh produced no report: is something listening on $target?"
        status=1
        continue
    fi
    jq -r '.[] | select(.severity|test("LOW|MEDIUM|HIGH|CRITICAL|WARN")) | "   \(.severity)\t\(.id)\t\(.finding)"' "$json"
    jq -r '[.[] | .severity] | group_by(.) | map("\(.[0])=\(length)") | "   counts: " + join(" ")' "$json"
    if jq -e '[.[] | select(.severity|test("MEDIUM|HIGH|CRITICAL"))] | length > 0' "$json" >/dev/null; then status=1; fi
done
exit $status
