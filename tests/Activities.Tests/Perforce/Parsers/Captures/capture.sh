#!/bin/sh
# Regenerates the simulator captures in this folder: what src/P4Sim really prints, in text and in
# the `-ztag -Mj` form P4Client asks for, for the reference lines the reference shows only as text.
# Usage (from the repository root): dotnet build src/P4Sim && sh tests/Activities.Tests/Perforce/Parsers/Captures/capture.sh
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
p4="$(pwd)/src/P4Sim/bin/Debug/net10.0/p4"
base=/tmp/p4flow-capture
export P4SIM_NOW=1714564800
unset P4CONFIG P4SIM_FAULT || true

# Runs a setup command that must succeed.
q() { "$p4" "$@" >/dev/null 2>"$base/.err" || { echo "setup failed: p4 $*" >&2; cat "$base/.err" >&2; exit 1; }; }

# cap NAME ARGS...: runs p4 ARGS and writes NAME.txt (command, exit code, stdout, stderr).
cap() {
  name=$1; shift
  set +e
  "$p4" "$@" >"$base/.out" 2>"$base/.err"
  code=$?
  set -e
  { echo "\$ p4 $*"; echo "exit $code"; echo "--- stdout"; cat "$base/.out"; echo "--- stderr"; cat "$base/.err"; } >"$here/$name.txt"
}

# Both forms of one command from the same state: FORM is "text" or "tagged".
flags() { if [ "$1" = tagged ]; then echo "-ztag -Mj"; fi; }

fresh() { rm -rf "$base/$1"; mkdir -p "$base/$1/depot"; export P4PORT="$base/$1/depot" P4USER=bob P4CLIENT=ws; }

client() { # client NAME ROOT [VIEW]
  mkdir -p "$2"
  printf 'Client:\t%s\n\nRoot:\t%s\n\nView:\n\t%s\n' "$1" "$2" "${3:-//depot/... //$1/...}" | "$p4" -c "$1" client -i >/dev/null
}

put() { mkdir -p "$(dirname "$1")"; [ -f "$1" ] && chmod u+w "$1"; printf '%s' "$2" >"$1"; }

lines() { i=1; while [ $i -le 10 ]; do printf '%s%d = %d;\n' "$1" $i $i; i=$((i+1)); done; }

demo() { rm -rf "$base/demo"; q init-demo "$base/demo"; export P4PORT="$base/demo" P4USER=demo P4CLIENT=demo-ws; }

# --- sync ------------------------------------------------------------------------------------
sync_state() {
  fresh sync
  w1="$base/sync/ws"; w2="$base/sync/ws2"
  client ws "$w1"; client ws2 "$w2"
  for f in b c d f g; do put "$w1/main/$f.c" "$f 1
"; done
  q add //depot/main/...; q submit -d "first"
  q -c ws2 sync
  q -c ws2 edit //depot/main/f.c //depot/main/g.c
  put "$w1/main/a.c" "a 1
"; put "$w1/main/e.c" "e 1
"
  q add //depot/main/a.c //depot/main/e.c
  q edit //depot/main/b.c //depot/main/g.c; put "$w1/main/b.c" "b 2
"; put "$w1/main/g.c" "g 2
"
  q delete //depot/main/c.c
  q submit -d "second"
  q edit //depot/main/g.c; put "$w1/main/g.c" "g 3
"; q submit -d "third"
  # e.c is already in ws2 (read-only, not synced): sync replaces it.
  put "$w2/main/e.c" "stale
"; chmod a-w "$w2/main/e.c"
}
for form in text tagged; do
  sync_state
  cap "sync-$form" -c ws2 $(flags $form) sync
  cap "sync-force-$form" -c ws2 $(flags $form) sync -f //depot/main/d.c //depot/main/f.c
  cap "sync-uptodate-$form" -c ws2 $(flags $form) sync
  cap "sync-uptodate-arg-$form" -c ws2 $(flags $form) sync //depot/main/...
  # A writable file in the way of a noclobber client stops the sync.
  put "$base/sync/ws/main/d.c" "d 2
"; q edit //depot/main/d.c; put "$base/sync/ws/main/d.c" "d 2
"; q submit -d "fourth"
  chmod u+w "$base/sync/ws2/main/d.c"
  cap "sync-clobber-$form" -c ws2 $(flags $form) sync
done

# --- integrate -------------------------------------------------------------------------------
integ_state() {
  fresh integ
  w="$base/integ/ws"; client ws "$w"
  for f in a c e f; do put "$w/main/$f.c" "$(lines "$f")
"; done
  q add //depot/main/...; q submit -d "main"
  q integrate //depot/main/... //depot/rel/...; q submit -d "branch"
  put "$w/main/b.c" "b
"; q add //depot/main/b.c
  q edit //depot/main/a.c //depot/main/e.c //depot/main/f.c
  put "$w/main/a.c" "$(lines a | sed 's/a2 = 2/a2 = 20/')
"; put "$w/main/e.c" "$(lines e | sed 's/e2 = 2/e2 = 20/')
"; put "$w/main/f.c" "$(lines f | sed 's/f2 = 2/f2 = 20/')
"
  q delete //depot/main/c.c
  q submit -d "main moves on"
  # rel/f.c moves on elsewhere; ws keeps #1: integrating into it needs a sync.
  q edit //depot/rel/f.c; put "$w/rel/f.c" "$(lines f | sed 's/f9 = 9/f9 = 90/')
"; q submit -d "rel fix"; q sync //depot/rel/f.c#1
}
for form in text tagged; do
  integ_state
  P4SIM_FAULT="exclusive:path=//depot/rel/e.c,owner=alice@alice-ws" cap "integrate-$form" $(flags $form) integrate //depot/main/... //depot/rel/...
  q sync //depot/rel/f.c; q integrate //depot/main/... //depot/rel/...
  cap "integrate-already-$form" $(flags $form) integrate //depot/main/... //depot/rel/...
  client narrow "$base/integ/narrow" "//depot/main/... //narrow/main/..."
  cap "integrate-notarget-$form" -c narrow $(flags $form) integrate //depot/main/... //depot/rel/...
  demo
  cap "integrate-demo-$form" $(flags $form) integrate -b main-rel
  cap "integrate-already-b-$form" $(flags $form) integrate -b main-rel
  cap "integrate-already-arg-$form" $(flags $form) integrate -b main-rel //depot/rel/...
done

# --- resolve ---------------------------------------------------------------------------------
for form in text tagged; do
  demo; q integrate -b main-rel
  cap "resolve-n-demo-$form" $(flags $form) resolve -n
  cap "resolve-am-demo-$form" $(flags $form) resolve -am
  cap "resolve-n-after-am-$form" $(flags $form) resolve -n
  cap "resolve-af-$form" $(flags $form) resolve -af //depot/rel/conflict.c
  cap "resolve-at-$form" $(flags $form) resolve -at //depot/rel/logo.bin
  cap "resolve-n-clean-$form" $(flags $form) resolve -n
  cap "resolve-none-arg-$form" $(flags $form) resolve -am //depot/rel/...
  demo; q integrate -b main-rel
  cap "resolve-ay-$form" $(flags $form) resolve -ay //depot/rel/conflict.c
  cap "resolve-as-$form" $(flags $form) resolve -as
  demo; q integrate -b main-rel
  put "$base/demo/workspace/rel/clean.c" "changed before resolve
"
  cap "resolve-tampered-$form" $(flags $form) resolve -am //depot/rel/clean.c
done

# --- change, shelve, submit, opened, fstat ---------------------------------------------------
change_form() { printf 'Change:\tnew\n\nDescription:\n\t%s\n' "$1"; if [ $# -gt 1 ]; then printf '\nFiles:\n'; shift; for f in "$@"; do printf '\t%s\n' "$f"; done; fi; }
q_in() { input=$1; shift; printf '%s' "$input" | "$p4" "$@" >/dev/null 2>"$base/.err" || { echo "setup failed: p4 $*" >&2; cat "$base/.err" >&2; exit 1; }; }
cap_in() { name=$1; input=$2; shift 2; printf '%s' "$input" >"$base/.in"; set +e; "$p4" "$@" <"$base/.in" >"$base/.out" 2>"$base/.err"; code=$?; set -e
  { echo "\$ p4 $*"; echo "exit $code"; echo "--- stdout"; cat "$base/.out"; echo "--- stderr"; cat "$base/.err"; } >"$here/$name.txt"; }
# The demo depot holds changes 1-5, so the first new change is 6.
for form in text tagged; do
  demo; q integrate -b main-rel; q resolve -am //depot/rel/clean.c
  cap_in "change-created-$form" "$(change_form "P4Flow job 7")" $(flags $form) change -i
  cap_in "change-created-files-$form" "$(change_form "P4Flow job 8" //depot/rel/clean.c)" $(flags $form) change -i
  cap_in "change-updated-$form" "$(printf 'Change:\t7\n\nDescription:\n\tP4Flow job 8, renamed\n\nFiles:\n\t//depot/rel/clean.c\n')" $(flags $form) change -i
  cap_in "change-missing-desc-$form" "$(printf 'Change:\tnew\n\nDescription:\n')" $(flags $form) change -i
  cap "shelve-empty-$form" $(flags $form) shelve -c 6
  q reopen -c 6 //depot/rel/conflict.c
  cap "shelve-unresolved-$form" $(flags $form) shelve -c 6
  q revert //depot/rel/conflict.c //depot/rel/logo.bin
  q edit //depot/main/clean.c; put "$base/demo/workspace/main/clean.c" "new
"; q reopen -c 6 //depot/main/clean.c
  put "$base/demo/workspace/main/new.c" "new
"; q add -c 6 //depot/main/new.c
  cap "shelve-$form" $(flags $form) shelve -c 6
  cap "shelve-again-$form" $(flags $form) shelve -c 6
  cap "opened-$form" $(flags $form) opened
  cap "submit-shelved-$form" $(flags $form) submit -c 6
  cap "submit-e-unshelved-$form" $(flags $form) submit -e 7
  cap "shelve-delete-$form" $(flags $form) shelve -d -c 6
  P4SIM_FAULT="locked:path=//depot/main/new.c,owner=alice@alice-ws" cap "submit-locked-$form" $(flags $form) submit -c 6
  cap "submit-renamed-$form" $(flags $form) submit -c 6
  q_in "$(change_form "P4Flow job 9" //depot/rel/clean.c)" change -i
  cap "submit-$form" $(flags $form) submit -c 9
  cap "submit-committed-$form" $(flags $form) submit -c 9
  cap "submit-unknown-$form" $(flags $form) submit -c 42
  cap "submit-empty-change-$form" $(flags $form) submit -c 7
  cap "submit-nothing-$form" $(flags $form) submit -d "nothing"
  q integrate -b main-rel
  cap "fstat-$form" $(flags $form) fstat //depot/rel/... //depot/main/...
  cap "fstat-unresolved-$form" $(flags $form) fstat -Ru //depot/rel/...
  cap "submit-pending-$form" $(flags $form) submit -d "unresolved"
done

# --- opened variants, locks, exclusive files -------------------------------------------------
for form in text tagged; do
  demo
  put "$base/demo/workspace/main/lock.c" "l
"; q add -t text+l //depot/main/lock.c; q submit -d "exclusive file"
  q edit //depot/main/clean.c //depot/main/lock.c; q lock //depot/main/clean.c
  client alice-ws "$base/demo/alice"
  q -u alice -c alice-ws sync
  q -u alice -c alice-ws edit //depot/main/conflict.c
  cap "opened-variants-$form" $(flags $form) opened -a
  cap "lock-held-$form" -u alice -c alice-ws $(flags $form) edit //depot/main/lock.c
  q -u alice -c alice-ws edit //depot/main/clean.c
  cap "lock-already-$form" -u alice -c alice-ws $(flags $form) lock //depot/main/clean.c
  # alice submits conflict.c while demo has it open at #2: demo's submit is out of date.
  q -u alice -c alice-ws revert //depot/main/clean.c
  q edit //depot/main/conflict.c
  put "$base/demo/alice/main/conflict.c" "alice
"; q -u alice -c alice-ws submit -d "alice wins"
  cap "submit-out-of-date-$form" $(flags $form) submit -d "stale"
done

# --- client, edit, reopen --------------------------------------------------------------------
for form in text tagged; do
  demo
  spec=$(printf 'Client:\tbarws\n\nRoot:\t%s\n\nView:\n\t//depot/... //barws/...\n' "$base/demo/barws")
  cap_in "client-saved-$form" "$spec" $(flags $form) client -i
  cap_in "client-unchanged-$form" "$spec" $(flags $form) client -i
  cap "edit-$form" $(flags $form) edit //depot/main/clean.c
  cap "edit-again-$form" $(flags $form) edit //depot/main/clean.c
  q_in "$(change_form "P4Flow job 6")" change -i
  cap "reopen-$form" $(flags $form) reopen -c 6 //depot/main/clean.c
done

# --- connection and login failures -----------------------------------------------------------
for form in text tagged; do
  demo
  P4SIM_FAULT=password-unset cap "fail-password-$form" $(flags $form) sync
  P4SIM_FAULT=session-expired cap "fail-session-$form" $(flags $form) sync
  P4SIM_FAULT=unreachable cap "fail-connect-$form" $(flags $form) sync
done
rm -f "$base/.out" "$base/.err" "$base/.in"
