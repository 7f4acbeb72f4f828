#!/usr/bin/env bash
# Builds P4Flow's release archives: one self-contained .tar.gz per architecture holding the orchestrator (with the
# Studio's assets), the agent (with its native launcher where this machine's C compiler builds for that architecture,
# else the util-linux fallback), the p4flow command, the p4 simulator (an optional demo tool), config/ templates,
# workflows/ and systemd units; and a p4flow-cli archive per architecture for engineers' machines. Nothing in them
# needs .NET installed, and nothing runs `dotnet publish` at run time.
#
#   scripts/release.sh [--runtime linux-x64|linux-arm64]... [--output DIR] [--version X.Y.Z]
#
# Defaults: both runtimes, artifacts/release/, the version in VERSION. Builds in a folder of its own (--artifacts-path),
# so it neither uses nor disturbs the tree's bin/ and obj/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

runtimes=() output="$root/artifacts/release" version=$(tr -d '[:space:]' < VERSION)
while [ $# -gt 0 ]; do
  case $1 in
    --runtime) runtimes+=("${2:?--runtime needs linux-x64 or linux-arm64}"); shift 2 ;;
    --output) output=${2:?--output needs a folder}; shift 2 ;;
    --version) version=${2:?--version needs X.Y.Z}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
  esac
done
[ ${#runtimes[@]} -gt 0 ] || runtimes=(linux-x64 linux-arm64)
for rid in "${runtimes[@]}"; do
  case $rid in linux-x64|linux-arm64) ;; *) echo "release.sh: --runtime $rid: only linux-x64 and linux-arm64 are released" >&2; exit 64 ;; esac
done
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release.sh: version '$version' is not X.Y.Z" >&2; exit 64; }
mkdir -p "$output"
output=$(cd "$output" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# No compiler server or MSBuild node left running: a release built by a test must leave no process behind.
build=(-c Release -p:Version="$version" --artifacts-path "$work/artifacts" -nologo -v quiet -nodeReuse:false -p:UseSharedCompilation=false)

host=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

for rid in "${runtimes[@]}"; do
  name="p4flow-$version-$rid"
  stage="$work/$name"
  echo "release.sh: $name"
  # The orchestrator, self-contained; its build puts the agent (agent/) and the simulator (p4sim/) beside it,
  # self-contained for the same runtime (see BuildCompanions in src/Orchestrator/Orchestrator.csproj).
  dotnet publish src/Orchestrator/Orchestrator.csproj -r "$rid" --self-contained "${build[@]}" -o "$stage/orchestrator"
  [ -x "$stage/orchestrator/agent/P4Flow.Agent" ] || { echo "release.sh: the agent is missing from $stage/orchestrator/agent" >&2; exit 1; }
  if [ -x "$stage/orchestrator/agent/p4flow-launch" ]; then launcher="native (p4flow-launch)"; else launcher="util-linux (no C compiler for $rid here)"; fi

  # The simulator: natively compiled where this machine can (its own architecture, with clang and zlib), else
  # self-contained on the runtime; its `p4` launcher picks whichever is there.
  rm -rf "$stage/orchestrator/p4sim"
  if [ "$rid" = "$host" ] && command -v clang >/dev/null && printf 'int main(void){return 0;}' | clang -x c - -lz -o /dev/null 2>/dev/null; then
    dotnet publish src/P4Sim/P4Sim.csproj -r "$rid" "${build[@]}" -p:PublishAot=true -o "$work/sim-$rid"
    mkdir -p "$stage/orchestrator/p4sim"
    cp "$work/sim-$rid/P4Flow.P4Sim" "$stage/orchestrator/p4sim/p4-native"
    cp src/P4Sim/p4 "$stage/orchestrator/p4sim/p4"
    simulator="native"
  else
    dotnet publish src/P4Sim/P4Sim.csproj -r "$rid" --self-contained "${build[@]}" -p:PublishAot=false -o "$stage/orchestrator/p4sim"
    simulator="self-contained"
  fi
  chmod +x "$stage/orchestrator/p4sim/p4"

  # p4flow: one file, self-contained.
  dotnet publish src/Cli/Cli.csproj -r "$rid" --self-contained "${build[@]}" -p:PublishSingleFile=true -p:DebugType=none -o "$stage/bin"

  cp -r config workflows "$stage/"
  rm -f "$stage/config/agent_whitelist.yaml.lock"
  mkdir -p "$stage/systemd" && cp deploy/systemd/*.service "$stage/systemd/"
  cp README.md "$stage/"
  # Where a person looks for them: the agent and the simulator at the top, as in the orchestrator's folder.
  ln -s orchestrator/agent "$stage/agent"
  ln -s orchestrator/p4sim "$stage/p4sim"
  printf 'P4Flow %s (%s) for %s\nagent launcher: %s\nsimulator: %s\n' "$version" "$commit" "$rid" "$launcher" "$simulator" > "$stage/VERSION"

  # The agent and the simulator each carry the same .NET runtime as the orchestrator: the same files become hard
  # links, which tar stores once (about half the archive) and unpacks as links again.
  for folder in "$stage/orchestrator/agent" "$stage/orchestrator/p4sim"; do
    for file in "$folder"/*; do
      twin="$stage/orchestrator/${file##*/}"
      if [ -f "$file" ] && [ ! -L "$file" ] && [ -f "$twin" ] && cmp -s "$file" "$twin"; then ln -f "$twin" "$file"; fi
    done
  done

  tar -C "$work" -czf "$output/$name.tar.gz" "$name"
  tar -C "$stage" -czf "$output/p4flow-cli-$version-$rid.tar.gz" bin/p4flow
  echo "release.sh: $output/$name.tar.gz ($(du -h "$output/$name.tar.gz" | cut -f1); agent launcher: $launcher; simulator: $simulator)"
done
(cd "$output" && sha256sum -- *.tar.gz > SHA256SUMS)
echo "release.sh: checksums in $output/SHA256SUMS"
