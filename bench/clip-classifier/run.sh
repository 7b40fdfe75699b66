#!/usr/bin/env bash
# Clip classifier: forward throughput of the C# network and of its PyTorch peer (peer_classifier.py, the same layers),
# back to back in one run, then one whole `evaluate` at N=2048 (C# only: the peer has no data pipeline).
# Results: bench/clip-classifier/results/<timestamp>.jsonl (peer line, C# line, ratio line). See README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads="${THREADS:-2}"
mkdir -p "$here/results"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
dotnet build "$here/ClipClassifierBench.csproj" -c Release -v quiet -nologo -o "$here/bin" >&2
uptime | sed 's/^/# /' | tee -a "$out"
/usr/bin/python3 "$here/peer_classifier.py" --threads "$threads" | tee -a "$out"
(cd "$root" && dotnet "$here/bin/clip-classifier-bench.dll" --threads "$threads" "$@") | tee -a "$out"
/usr/bin/python3 - "$out" <<'PY' | tee -a "$out"
import json, sys
peer, cs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines() if l.startswith("{")][-2:]
assert peer["params"] == cs["params"], f"the peer has {peer['params']} parameters, the C# network {cs['params']}: not the same network"
print(json.dumps({k.replace("forward_clips_per_s", "ratio_csharp_time_over_peer"): round(peer[k] / cs[k], 3)
                  for k in peer if k.startswith("forward_clips_per_s")}))
PY
