#!/usr/bin/env bash
# Moving MNIST generator benchmark: the C# generator and the NumPy reference recipe, one after the other, in one run.
# Usage (repository root):  bash bench/moving-mnist/run.sh [clips=10000] [repeats=5]     (VECTORISED=1 adds the slow NumPy variant)
# Writes bench/moving-mnist/results/<UTC timestamp>.jsonl and prints the C#/NumPy ratios.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLIPS=${1:-10000}
REPEATS=${2:-5}
export NUGET_PACKAGES=${NUGET_PACKAGES:-/work/nuget-shared}
PY=${PYTHON:-/usr/bin/python3}   # Debian python with python3-numpy (apt-get install python3-numpy)
mkdir -p "$HERE/results"
OUT="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
dotnet build -c Release "$HERE/MovingMnistBench.csproj" -v quiet -nologo >/dev/null
BIN="$HERE/bin/Release/net10.0/MovingMnistBench.dll"
[ -f "$BIN" ] || BIN="$HERE/bin/Release/MovingMnistBench.dll"
cd "$ROOT"
# Alternate the two sides so that background load hits both alike.
for round in 1 2; do
  dotnet "$BIN" --clips "$CLIPS" --threads 2 --repeats "$REPEATS" | tee -a "$OUT"
  "$PY" "$HERE/moving_mnist_numpy.py" --clips "$CLIPS" --repeats "$REPEATS" --impl loop | tee -a "$OUT"
done
# The fancy-indexing variant is ~5x slower than the loop; run it with VECTORISED=1.
if [ "${VECTORISED:-0}" = 1 ]; then
  "$PY" "$HERE/moving_mnist_numpy.py" --clips "$CLIPS" --repeats 1 --impl vectorised | tee -a "$OUT"
fi
"$PY" - "$OUT" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def best(impl, key):
    return min(r[key] for r in rows if r["impl"] == impl)
cs_w, cs_c = best("csharp", "seconds_min"), best("csharp", "cpu_s_min")
for impl in ("numpy-loop", "numpy-vectorised"):
    if not any(r["impl"] == impl for r in rows): continue
    w, c = best(impl, "seconds_min"), best(impl, "cpu_s_min")
    print(f"{impl}: wall {w:.3f} s, cpu {c:.3f} s | C#: wall {cs_w:.3f} s, cpu {cs_c:.3f} s "
          f"| speed-up C# vs NumPy: wall x{w / cs_w:.1f}, cpu x{c / cs_c:.1f}")
PYEOF
echo "records: $OUT"
