#!/usr/bin/env bash
# Finds, and ends, the processes a test run started. Each carries a marker in its environment, NAME=VALUE, which it
# inherited from its test host (TestProcessWatchdog sets P4FLOW_TEST_HOST there) or from the run (test.sh passes
# P4FLOW_TEST_RUN to every test host). A process that dropped its environment (a command an agent runs) or left for
# a session of its own is still found while it is a descendant of a marked one.
#
#   test-processes.sh list NAME=VALUE    prints "pid command line" of each, nothing when none is left
#   test-processes.sh watch NAME=VALUE   waits until its standard input closes (the test host holds the pipe's other
#                                        end, which the kernel closes however the host ends, SIGKILL included), then
#                                        kills them all; with P4FLOW_TEST_REAPED set, appends what it killed there
#
# Pure bash over /proc (no ps, no grep per process): cheap, and it forks nothing that could carry the marker itself.
set -u

# Prints the pids of the processes carrying the marker $1 and of all their descendants.
marked_tree() {
  local marker=$1 dir pid line rest var
  local -A children=()
  local -a queue=()
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
    IFS= read -r line 2>/dev/null < "$dir/stat" || continue
    rest=${line##*) }            # after "pid (comm) ": state ppid ...
    set -- $rest
    children[$2]+=" $pid"
    while IFS= read -r -d '' var; do
      if [ "$var" = "$marker" ]; then queue+=("$pid"); break; fi
    done 2>/dev/null < "$dir/environ"
  done
  local -A seen=()
  local i=0 child
  while [ $i -lt ${#queue[@]} ]; do
    pid=${queue[$i]}
    i=$((i + 1))
    [ -n "${seen[$pid]:-}" ] && continue
    seen[$pid]=1
    echo "$pid"
    for child in ${children[$pid]:-}; do queue+=("$child"); done
  done
}

describe() {
  local pid args
  for pid in "$@"; do
    args=$(tr '\0\n' '  ' 2>/dev/null < "/proc/$pid/cmdline") || continue
    [ -n "$args" ] && echo "$pid ${args% }"
  done
}

case "${1:-}" in
  list)
    [ $# -eq 2 ] || { echo "usage: $0 list NAME=VALUE" >&2; exit 2; }
    mapfile -t pids < <(marked_tree "$2")
    [ ${#pids[@]} -eq 0 ] || describe "${pids[@]}"
    ;;
  watch)
    [ $# -eq 2 ] || { echo "usage: $0 watch NAME=VALUE" >&2; exit 2; }
    # The host's output may be gone with it: a write must not end this watchdog (SIGPIPE) before it has done its job.
    exec >/dev/null 2>&1
    while IFS= read -r _; do :; done
    reaped=()
    # Stop them all first, so that none forks or is reparented away between the listing and the kill; list again
    # for children started meanwhile; a few rounds in case one slipped through.
    for _ in 1 2 3 4 5; do
      mapfile -t pids < <(marked_tree "$2")
      [ ${#pids[@]} -eq 0 ] && break
      kill -STOP "${pids[@]}"
      mapfile -t pids < <(marked_tree "$2")
      [ ${#pids[@]} -eq 0 ] && break
      [ -n "${P4FLOW_TEST_REAPED:-}" ] && mapfile -t -O ${#reaped[@]} reaped < <(describe "${pids[@]}")
      kill -KILL "${pids[@]}"
    done
    if [ -n "${P4FLOW_TEST_REAPED:-}" ] && [ ${#reaped[@]} -gt 0 ]; then
      for line in "${reaped[@]}"; do echo "$2: $line (left when its test host ended)"; done >> "$P4FLOW_TEST_REAPED"
    fi
    ;;
  *)
    echo "usage: $0 list|watch NAME=VALUE" >&2
    exit 2
    ;;
esac
