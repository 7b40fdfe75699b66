#!/bin/bash
# Side-by-side VideoGAN training-step benchmark: PyTorch peer (/work/shared/bench-peers/videogan_step.py) and this
# workspace's TorchSharp build of the same network, one after the other, in one run; then a 1,000-step memory check.
#   bash bench/videogan-step/run.sh                 # both sizes, then the 1,000-step RSS trace
#   PAIRS=1 STEPS=0 bash bench/videogan-step/run.sh  # one pair per size, no memory check
# Environment: ITERS (timed iterations, 10), WARMUP (3), PAIRS (repeats of each peer/C# pair, 2),
# QUIET_WAIT_S (wait up to this long for an idle machine before each pair, 120), STEPS (memory-check steps, 1000),
# PEER_DIR (/work/shared/bench-peers), OUT (results/). Writes OUT/pairs.jsonl, OUT/flat.json, OUT/summary.md.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
PEER_DIR=${PEER_DIR:-/work/shared/bench-peers}
OUT=${OUT:-$HERE/results}
ITERS=${ITERS:-10}; WARMUP=${WARMUP:-3}; PAIRS=${PAIRS:-2}; QUIET_WAIT_S=${QUIET_WAIT_S:-120}; STEPS=${STEPS:-1000}
mkdir -p "$OUT"
export NUGET_PACKAGES=${NUGET_PACKAGES:-/work/nuget-shared}

dotnet build -c Release "$HERE/VideoGanStep.csproj" -v q -nologo > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
CS="$HERE/bin/Release/net10.0/videogan-step"

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
wait_quiet() {   # until < 0.15 CPU busy over 5 s, at most QUIET_WAIT_S
  local t0=$SECONDS b0 b1
  while (( SECONDS - t0 < QUIET_WAIT_S )); do
    b0=$(busy); sleep 5; b1=$(busy)
    if (( b1 - b0 < 75 )); then return 0; fi
  done
  echo "warning: machine not idle after ${QUIET_WAIT_S}s (load: $(cut -d' ' -f1-3 /proc/loadavg)); running anyway" >&2
}

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
for cfg in "mnist64 16" "full 8"; do
  set -- $cfg
  for pair in $(seq 1 "$PAIRS"); do
    wait_quiet
    echo "== $1 batch $2, pair $pair: PyTorch peer, then TorchSharp" >&2
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    p=$($PY "$PEER_DIR/videogan_step.py" --size "$1" --batch "$2" --iters "$ITERS" --warmup "$WARMUP" --threads 2)
    c=$("$CS" --size "$1" --batch "$2" --iters "$ITERS" --warmup "$WARMUP" --threads 2 --rss-every 1)
    $PY - "$RUN_ID" "$pair" "$load" "$p" "$c" >> "$OUT/pairs.jsonl" <<'PYEOF'
import json, sys
run, pair, load, p, c = sys.argv[1:]
print(json.dumps({"run": run, "pair": int(pair), "loadavg_before": load, "peer": json.loads(p), "csharp": json.loads(c)}))
PYEOF
    tail -1 "$OUT/pairs.jsonl" | $PY -c "import json,sys; r=json.load(sys.stdin); p,c=r['peer'],r['csharp']; print(f\"   peer {p['ms_per_iter_median']} ms, C# {c['ms_per_iter_median']} ms, ratio {p['ms_per_iter_median']/c['ms_per_iter_median']:.2f}; other CPU s {p['other_procs_cpu_s']} / {c['other_procs_cpu_s']}\")" >&2
  done
done

# The learned-motion generator against the rigid-path one (issue: the learned motion module). GENERATORS=0 skips it.
#  1. in the project's own trainer step (data, D step, G step, EMA), presets digits (rigid, class-conditional) and
#     digits-motion (learned motion, unconditional), batch 32: OUT/trainer.jsonl;
#  2. at the peer's mnist64 size (1x16x64x64, batch 16, the peer's D without SN and its BCE step): the motion-shape and
#     motion-heatmap generators beside the two-stream pairs above: OUT/generators.jsonl.
if (( ${GENERATORS:-1} > 0 )); then
  for preset in digits digits-motion; do
    wait_quiet
    echo "== trainer step: preset $preset, batch 32" >&2
    "$CS" --trainer "$preset" --batch 32 --iters "$ITERS" --warmup "$WARMUP" --threads 2 | tee -a "$OUT/trainer.jsonl" >&2
  done
  for gen in motion-shape motion-heatmap; do
    wait_quiet
    echo "== mnist64 step with the $gen generator (peer's D and loss)" >&2
    "$CS" --size mnist64 --batch 16 --generator "$gen" --iters "$ITERS" --warmup "$WARMUP" --threads 2 | tee -a "$OUT/generators.jsonl" >&2
  done
fi

if (( STEPS > 0 )); then
  wait_quiet
  echo "== memory check: $STEPS TorchSharp steps (mnist32 layout, width 4, batch 2: the full sizes take ~4 s a step)" >&2
  "$CS" --size mnist32 --width 4 --batch 2 --iters "$STEPS" --warmup 3 --threads 2 --rss-every 10 > "$OUT/flat.json.tmp" && mv "$OUT/flat.json.tmp" "$OUT/flat.json"
fi

$PY "$HERE/summarize.py" "$OUT" > "$OUT/summary.md.tmp" && mv "$OUT/summary.md.tmp" "$OUT/summary.md"
cat "$OUT/summary.md"
