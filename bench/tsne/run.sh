#!/usr/bin/env bash
# t-SNE bench: VideoGan.Analysis.Tsne (C#) vs scikit-learn's Barnes-Hut TSNE, side by side in one run.
#   bench/tsne/run.sh [N ...]            default N = 1000 5000 20000; results in bench/tsne/results/
# For each N, back to back: the peer times sklearn (--n N --methods barnes_hut, 2 threads, embedding saved),
# then the C# bench embeds the same input (2 threads), then the peer scores both embeddings with the same code.
# Needs: /usr/bin/python3 with python3-sklearn python3-numpy python3-scipy libopenblas0-pthread (apt), .NET 10.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PEER=/work/shared/bench-peers/tsne_peer.py
PY=/usr/bin/python3
OUT="$HERE/results"
WORK="${TSNE_BENCH_WORK:-/tmp/videogan-tsne-bench}"
NS=("$@"); [ ${#NS[@]} -eq 0 ] && NS=(1000 5000 20000)
mkdir -p "$OUT" "$WORK"
export NUGET_PACKAGES="${NUGET_PACKAGES:-/work/nuget-shared}"
dotnet build -c Release "$HERE/TsneBench.csproj" -o "$WORK/bin" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
LOG="$OUT/tsne_$STAMP.jsonl"
echo "{\"run\": \"$STAMP\", \"host_cores\": $(nproc), \"loadavg_start\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$LOG"
for N in "${NS[@]}"; do
  "$PY" "$PEER" --gen "$N" "$WORK/data_$N.csv" > /dev/null
  # sklearn (timed inside the peer; its quality fields come from the same scorer as ours)
  "$PY" "$PEER" --n "$N" --methods barnes_hut --threads 2 --save-emb "$WORK/sk" | tee -a "$LOG"
  # C#, immediately after, same input, same thread count
  dotnet "$WORK/bin/TsneBench.dll" "$WORK/data_$N.csv" "$WORK/cs_$N.csv" --threads 2 2>/dev/null | tee -a "$LOG"
  "$PY" "$PEER" --score "$WORK/data_$N.csv" "$WORK/cs_$N.csv" | tee -a "$LOG"
done
echo "{\"run_end\": \"$(date -u +%Y%m%dT%H%M%SZ)\", \"loadavg_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >> "$LOG"
"$PY" "$HERE/summarise.py" "$LOG" | tee "$OUT/tsne_$STAMP.md"
