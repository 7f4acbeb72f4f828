#!/usr/bin/env bash
# Runs the whole test suite N times (default 3) while two busy loops hold both cores of the 2-core machine: a test
# that passes only on an idle machine fails here. Prints "N passed, N failed" per run (summed over the projects'
# "Failed: X, Passed: Y" lines, as .ci/run does) and a final line; exits non-zero when any run failed.
#
#   scripts/loaded-test-run.sh [runs]
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

runs=${1:-3}
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [runs]  (a positive number, default 3)" >&2
  exit 2
fi

logs=$(mktemp -d "${TMPDIR:-/tmp}/p4flow-loaded-run.XXXXXX")
loops=()
stop_loops() {
  if [ ${#loops[@]} -gt 0 ]; then
    kill "${loops[@]}" 2>/dev/null
    wait "${loops[@]}" 2>/dev/null
  fi
  loops=()
}
trap stop_loops EXIT
trap 'exit 130' INT TERM

# Each loop is bounded (4 h) so that even a killed script cannot leave one spinning for ever; timeout passes the
# signal that stops it on to its shell.
for _ in 1 2; do
  timeout 14400 sh -c 'while :; do :; done' &
  loops+=($!)
done
echo "busy loops: ${loops[*]}; logs in $logs"

failed_runs=0
for run in $(seq 1 "$runs"); do
  log="$logs/run-$run.log"
  started=$(date +%s)
  # Started in the background (nohup, &), this script has SIGINT and SIGQUIT ignored, which the test hosts would pass
  # on to the commands they launch; NativeLauncherTests expects a command to start with nothing ignored.
  env --default-signal=INT,QUIT dotnet test P4Flow.sln > "$log" 2>&1
  status=$?
  read -r passed failed < <(grep -E '(Passed|Failed)!  - Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\2 \1/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a build error or a crashed test host counts as a failure
  echo "run $run of $runs: $passed passed, $failed failed ($(( $(date +%s) - started )) s)"
  if [ "$failed" -ne 0 ]; then
    failed_runs=$((failed_runs + 1))
    grep -E '^\s*Failed [A-Za-z]' "$log" | sed 's/^/  /'
  fi
done

stop_loops
echo "loaded runs: $runs, with failures: $failed_runs (logs in $logs)"
[ "$failed_runs" -eq 0 ]
