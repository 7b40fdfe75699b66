#!/usr/bin/env bash
# Proves the notebooks give the same numbers in real Jupyter as in the headless runner (issue 12):
#   1. executes EVERY notebook (or the ones given) with nbconvert's ExecutePreprocessor and the .NET Interactive C#
#      kernel (scripts/jupyter-setup.sh), its "smoke" parameters injected after the cell tagged "parameters" exactly as
#      the headless runner injects them, in the notebook's own folder (scripts/jupyter_parity.py);
#   2. fails on any error output, and checks notebook 00's outputs (environment report, animated clip, Plotly chart);
#   3. compares each notebook's recorded values (session.Record) with the headless runner's metrics.json for the same
#      configuration: identical, floats within rel 1e-9 (stated in jupyter_parity.py);
#   4. proves the check can fail: notebook 04 run against deliberately broken copies of the shipped feature-network
#      weights (data/clip-classifiers/moving-mnist.pt, in a scratch copy of the workspace layout) must NOT pass: a truncated
#      file (the loader refuses it) and a valid file with one tensor zeroed (it loads; the values differ).
# The headless metrics: $VIDEOGAN_HEADLESS_METRICS, else artifacts/test-results/headless-smoke/metrics.json (written by
# the test suite's smoke-report test, so scripts/test.sh runs no notebook twice), else a fresh
# `./videogan report --config smoke`. Prints each notebook's run time in Jupyter. Exit 0 = pass.
# Usage: scripts/jupyter-check.sh [notebook.ipynb ...]   (default: every notebook in notebooks/)
#        VIDEOGAN_SKIP_BROKEN_WEIGHTS=1 leaves out step 4.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
start=$(date +%s)
"$root/scripts/jupyter-setup.sh"
# The notebooks #r the built library: build it when it is missing (scripts/test.sh has built it already).
[[ -f lib/VideoGan/bin/VideoGan.dll ]] || dotnet build lib/VideoGan -v quiet -nologo
export JUPYTER_PATH="$root/artifacts/jupyter/share"
out="$root/artifacts/jupyter/executed"
rm -rf "$out"; mkdir -p "$out"
notebooks=("$@")
((${#notebooks[@]} > 0)) || notebooks=(notebooks/*.ipynb)

metrics="${VIDEOGAN_HEADLESS_METRICS:-$root/artifacts/test-results/headless-smoke/metrics.json}"
newest_notebook="$(ls -t notebooks/*.ipynb | head -1)"
if [[ ! -f "$metrics" || "$metrics" -ot lib/VideoGan/bin/VideoGan.dll || "$metrics" -ot "$newest_notebook" ]]; then
  echo "jupyter-check: no headless metrics newer than the library and the notebooks at $metrics: running ./videogan report --config smoke" >&2
  "$root/videogan" report --config smoke --out "$root/artifacts/jupyter/headless-smoke"
  metrics="$root/artifacts/jupyter/headless-smoke/metrics.json"
fi
echo "jupyter-check: comparing with the headless runner's $metrics"

/usr/bin/python3 "$root/scripts/jupyter_parity.py" --metrics "$metrics" --out "$out" --config smoke "${notebooks[@]}"

executed00="$out/00-getting-started.ipynb"
if [[ -f "$executed00" ]]; then
  /usr/bin/python3 - "$executed00" <<'PY'
import json, sys
path = sys.argv[1]
nb = json.load(open(path))
blob = json.dumps([o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])])
for needle, what in [("TorchSharpVersion", "environment report"), ("data:image/gif;base64,", "animated clip"), ("newPlot", "Plotly chart")]:
    if needle not in blob:
        sys.exit(f"jupyter-check: {path}: no {what} in the outputs (looked for {needle!r})")
for needle, what in [("warning CS", "compiler warning")]:
    if needle in blob:
        sys.exit(f"jupyter-check: {path}: a {what} in the outputs ({needle!r})")
print(f"jupyter-check: {path}: environment report, clip and chart present; no compiler warnings")
PY
fi

# Step 4: a scratch workspace whose data/clip-classifiers/moving-mnist.pt is broken; everything else links to this one.
#   truncated: half the file (the loader must refuse it);
#   zeroed:    a valid file whose largest tensor is all zeros (it loads; the recorded values must then differ).
# Which weights file and which notebook: $VIDEOGAN_BROKEN_WEIGHTS (a path under data/, default
# data/clip-classifiers/moving-mnist.pt) and $VIDEOGAN_BROKEN_WEIGHTS_NOTEBOOK (default notebooks/04-evaluation.ipynb).
broken_rel="${VIDEOGAN_BROKEN_WEIGHTS:-data/clip-classifiers/moving-mnist.pt}"
broken_nb="${VIDEOGAN_BROKEN_WEIGHTS_NOTEBOOK:-notebooks/04-evaluation.ipynb}"
broken_weights_check() {
  local kind="$1" scratch="$root/artifacts/jupyter/broken-weights-$1" weights="$root/$broken_rel"
  local folder; folder="$(dirname "$broken_rel")"   # e.g. data/clip-classifiers
  # data/<folder>/<file>: link every other entry of data/ and of data/<folder>/, copy-and-break the one file.
  [[ "$(dirname "$folder")" == data && -f "$weights" ]] \
    || { echo "jupyter-check: $broken_rel is not a file data/<folder>/<file> (set VIDEOGAN_BROKEN_WEIGHTS)" >&2; exit 1; }
  rm -rf "$scratch"; mkdir -p "$scratch/notebooks" "$scratch/$folder"
  ln -s "$root/lib" "$scratch/lib"
  ln -s "$root/VideoGan.Notebooks.sln" "$scratch/VideoGan.Notebooks.sln"
  for entry in "$root"/data/*; do
    [[ "data/$(basename "$entry")" == "$folder" ]] || ln -s "$entry" "$scratch/data/$(basename "$entry")"
  done
  for entry in "$root/$folder"/*; do
    [[ "$(basename "$entry")" == "$(basename "$broken_rel")" ]] || ln -s "$entry" "$scratch/$folder/$(basename "$entry")"
  done
  /usr/bin/python3 - "$kind" "$weights" "$scratch/$broken_rel" <<'PY2'
import sys, zipfile
kind, source, target = sys.argv[1:]
if kind == "truncated":
    data = open(source, "rb").read()
    open(target, "wb").write(data[: len(data) // 2])
    print(f"jupyter-check: broken weights ({kind}): the first {len(data) // 2} of {len(data)} bytes")
else:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        largest = max((i for i in zin.infolist() if "/data/" in i.filename and not i.filename.endswith(".pkl")), key=lambda i: i.file_size)
        for info in zin.infolist():
            payload = zin.read(info.filename)
            zout.writestr(info, bytes(len(payload)) if info.filename == largest.filename else payload)
    print(f"jupyter-check: broken weights ({kind}): {largest.filename} ({largest.file_size} bytes) set to zeros, the file still valid")
PY2
  cp "$broken_nb" "$scratch/notebooks/"
  local name; name="$(basename "$broken_nb" .ipynb)"
  if /usr/bin/python3 "$root/scripts/jupyter_parity.py" --metrics "$metrics" --out "$scratch/executed" --config smoke \
       "$scratch/notebooks/$name.ipynb" > "$scratch/check.log" 2>&1; then
    cat "$scratch/check.log"
    echo "jupyter-check: FAILED: $name passed the parity check with $kind weights ($broken_rel)" >&2
    exit 1
  fi
  grep -E "^jupyter-parity: $name: |^    $name" "$scratch/check.log" | head -3 | cut -c1-400 | sed 's/^/  /'
  echo "jupyter-check: the $kind weights file made the check fail, as it must"
  rm -rf "$scratch"
}
if [[ -z "${VIDEOGAN_SKIP_BROKEN_WEIGHTS:-}" && -f "$broken_nb" ]]; then
  broken_weights_check truncated
  broken_weights_check zeroed
fi
echo "jupyter-check: passed in $(( $(date +%s) - start )) s"
