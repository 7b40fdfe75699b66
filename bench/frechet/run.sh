#!/usr/bin/env bash
# Fréchet distance / KVD at N=2048, d=400: VideoGan.Metrics (TorchSharp, float64) and the Python peer
# (numpy + scipy sqrtm, /work/shared/bench-peers/frechet_peer.py) on the same files, one after the other, in one run.
# Results: bench/frechet/results/<timestamp>.jsonl (peer line, C# line, ratio line). See README.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="${PEERS:-/work/shared/bench-peers}"
threads="${THREADS:-2}"
data="$(mktemp -d)"
mkdir -p "$here/results"
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
export NUGET_PACKAGES="${NUGET_PACKAGES:-/work/nuget-shared}"
dotnet build "$here/FrechetBench.csproj" -c Release -v quiet -nologo -o "$here/bin" >&2
# The peer's self-test sets (a ~ N(0,I), b ~ 1.1 N(0,I) + 0.05, N=2048, d=400), float64 .npy.
# The peer times itself on them (3 repeats, medians) and saves them for the C# side.
/usr/bin/python3 "$peers/frechet_peer.py" --selftest --save-selftest "$data" --repeat 3 --threads "$threads" | tee -a "$out"
dotnet "$here/bin/frechet-bench.dll" "$data/selftest_a.npy" "$data/selftest_b.npy" --threads "$threads" "$@" | tee -a "$out"
/usr/bin/python3 - "$out" <<'PY' | tee -a "$out"
import json, sys
peer, cs = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[-2:]]
print(json.dumps({
    "ratio_fd_total_peer_over_csharp": round(peer["seconds_fd_total_median"] / cs["seconds_fd_total_median"], 3),
    "ratio_kid_full_peer_over_csharp": round(peer["kid_full_seconds_median"] / cs["kid_full_seconds_median"], 3),
    "fd_rel_diff": abs(peer["fd"] - cs["fd"]) / abs(peer["fd"]),
    "kid_rel_diff": abs(peer["kid_full"] - cs["kid_full"]) / abs(peer["kid_full"]),
    "peer_other_procs_cpu_s": peer.get("other_procs_cpu_s")}))
PY
rm -rf "$data"
