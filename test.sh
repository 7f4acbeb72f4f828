#!/usr/bin/env bash
# Runs all the tests, on a fresh Debian machine with the .NET SDK too: installs the system packages the tests need
# (as root; otherwise it names the apt-get install to run, and stops), runs `dotnet test P4Flow.sln`, checks that no
# process the tests started is still running, and ends with "N passed, N failed". Exits non-zero when a test failed,
# the build failed, or a process was left. What CI runs (.ci/run).
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# System packages the tests use: sqlite3; prometheus (promtool checks the alert rules); prometheus-alertmanager (amtool
# checks the Alertmanager configuration and its routes); chromium (the Studio's browser tests); openssh-server (the
# bootstrap tests' sshd); gcc, libc6-dev (the agent's launcher); clang, zlib1g-dev; faketime (the fault matrix's agent
# with a wrong clock); postgresql (the cluster tests' database, run in a temporary folder as the postgres user).
packages=(sqlite3 prometheus prometheus-alertmanager chromium openssh-server gcc libc6-dev clang zlib1g-dev faketime postgresql)

install_packages() {
  if ! command -v dpkg-query >/dev/null; then
    echo "test.sh: not a Debian machine: install the equivalents of ${packages[*]} yourself; going on"
    return 0
  fi
  local p missing=()
  for p in "${packages[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: the tests need Debian packages that are missing; as root run: apt-get install -y --no-install-recommends ${missing[*]}"
    return 1
  fi
  # Install only, start nothing: the prometheus package would otherwise start a server on 9090, the agent hub's port,
  # prometheus-alertmanager one on 9093 and 9094, openssh-server one on 22 and postgresql one on 5432 (the tests start
  # their own sshd and PostgreSQL on free ports). A policy-rc.d the machine already has is left as it is.
  local policy=/usr/sbin/policy-rc.d ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && ours=1
  fi
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  local status=$?
  [ -n "$ours" ] && rm -f "$policy"
  [ $status -eq 0 ] || echo "test.sh: apt-get install ${missing[*]} failed (exit $status)"
  return $status
}

install_packages || exit 1

# Every process a test host starts carries this marker (the hosts get it, their children inherit it): whatever
# carries it after the run was left behind. Given to the test hosts only, through the run settings: `dotnet test -e`
# would also give it to the build, and so to the compiler servers it leaves running.
run="$(date +%Y%m%d%H%M%S)-$$"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log" reaped="$work/reaped" settings="$work/run.runsettings"
cat > "$settings" <<EOF
<RunSettings>
  <RunConfiguration>
    <EnvironmentVariables>
      <P4FLOW_TEST_RUN>$run</P4FLOW_TEST_RUN>
      <P4FLOW_TEST_REAPED>$reaped</P4FLOW_TEST_REAPED>
    </EnvironmentVariables>
  </RunConfiguration>
</RunSettings>
EOF

# A test that hangs ends its test host after 15 minutes (a failure, cleaned up by the watchdogs) instead of the run.
dotnet test P4Flow.sln --settings "$settings" --blame-hang-timeout 15m --blame-hang-dump-type none 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summaries ("Failed:     0, Passed:    24, ...").
read -r passed failed < <(grep -E '(Passed|Failed)!  - Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\2 \1/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a build error or a crashed test host counts as a failure

# Left running: the watchdogs get a few seconds to finish their work first.
leftovers=""
for _ in $(seq 1 40); do
  leftovers=$(bash tests/TestSupport/test-processes.sh list "P4FLOW_TEST_RUN=$run")
  [ -z "$leftovers" ] && break
  sleep 0.5
done

# What the test hosts' watchdogs ended when their hosts did: a test that did not stop what it started.
if [ -s "$reaped" ]; then
  echo "test.sh: ended with their test hosts (a test did not stop them):"
  sed 's/^/  /' "$reaped"
fi

if [ -n "$leftovers" ]; then
  echo "test.sh: FAILED: processes started by the tests are still running (killed now):"
  echo "$leftovers" | sed 's/^/  /'
  # shellcheck disable=SC2046
  kill -KILL $(echo "$leftovers" | cut -d' ' -f1) 2>/dev/null
  [ "$status" -eq 0 ] && status=1
else
  echo "test.sh: no process started by the tests is left"
fi

echo "$passed passed, $failed failed"
exit "$status"
