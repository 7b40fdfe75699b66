#!/usr/bin/env bash
# Reproduces the shipped digits generator (data/trained/digits): the `digits` preset trained for a fixed wall-clock
# budget on this machine, resumed (exactly) from its newest checkpoint if the process dies, then exported and measured.
#   scripts/train-shipped-digits.sh [RUN_DIR] [MINUTES]      # defaults: runs/digits-shipped 60
# Environment: THREADS (libtorch threads, 2; the shipped generator used 1), CONFIG (preset or JSON file, digits),
# EXPORT (folder to export to; empty = do not export).
# The CLI runs from a private copy of the build so that rebuilding the workspace during the run cannot replace
# its DLLs. The time limit makes the step count machine-dependent; the log records it, and a fixed
# `--steps N` run from the same seed reproduces the same weights on the CPU.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="${1:-runs/digits-shipped}"
minutes="${2:-60}"
threads="${THREADS:-2}"
config="${CONFIG:-digits}"

dotnet build "$root/lib/VideoGan.Cli/VideoGan.Cli.csproj" -c Release -v quiet -nologo >&2
build="$(mktemp -d /tmp/videogan-train-build.XXXXXX)"
# Removed on any exit: a copy of the build is about a gigabyte (libtorch), and killed runs used to leave theirs behind.
trap 'rm -rf "$build"' EXIT
cp -r "$root/lib/VideoGan.Cli/bin/." "$build/"
cli=(dotnet "$build/VideoGan.Cli.dll")

start=$(date +%s)
deadline=$(( start + minutes * 60 ))
echo "train-shipped-digits: start $(date -u +%FT%TZ), budget $minutes min, $threads threads, run $run, commit $(git -C "$root" rev-parse --short HEAD)"
restarts=0
while :; do
  left=$(( deadline - $(date +%s) ))
  (( left > 20 )) || break
  # Startup (loading, first checkpoint search) counts against the budget: stop the trainer 15 s early.
  mins=$(awk -v s="$left" 'BEGIN { printf "%.3f", (s - 15) / 60 }')
  # A fresh start until the run has a checkpoint (also after a crash before the first one), then --resume.
  if ! ls "$run"/checkpoints/*.ckpt >/dev/null 2>&1; then
    "${cli[@]}" train --config "$config" --out "$run" --threads "$threads" --minutes "$mins" && break || echo "trainer exited with $?; resuming"
  else
    "${cli[@]}" train --resume --out "$run" --threads "$threads" --minutes "$mins" && break || echo "trainer exited with $?; resuming"
  fi
  restarts=$(( restarts + 1 ))
  (( restarts <= 5 )) || { echo "train-shipped-digits: giving up after 5 restarts" >&2; exit 1; }
done
echo "train-shipped-digits: training done $(date -u +%FT%TZ), $(( $(date +%s) - start )) s wall clock"

last="$(ls "$run"/checkpoints/*.ckpt | sort | tail -1)"
if [[ -n "${EXPORT:-}" ]]; then
  "${cli[@]}" sample --checkpoint "$last" --export "$EXPORT" --count 512 --out "$run-eval" --evaluate --threads "$threads"
fi
echo "train-shipped-digits: last checkpoint $last"
