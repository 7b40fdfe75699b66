#!/usr/bin/env bash
# Proves the notebooks run unchanged in real Jupyter: executes notebooks/00-getting-started.ipynb with nbconvert and
# the .NET Interactive C# kernel (scripts/jupyter-setup.sh), then checks the executed copy: no error output, the
# environment report, the inline animated clip and the Plotly chart. Prints the run time. Exit 0 = pass.
# Usage: scripts/jupyter-check.sh [notebook.ipynb ...]   (default: notebooks/00-getting-started.ipynb)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$root/scripts/jupyter-setup.sh"
# The notebooks #r the built library: build it when it is missing (scripts/test.sh has built it already).
[[ -f lib/VideoGan/bin/VideoGan.dll ]] || dotnet build lib/VideoGan -v quiet -nologo
export JUPYTER_PATH="$root/artifacts/jupyter/share"
out="$root/artifacts/jupyter/executed"
mkdir -p "$out"
notebooks=("$@")
((${#notebooks[@]} > 0)) || notebooks=(notebooks/00-getting-started.ipynb)
for nb in "${notebooks[@]}"; do
  start=$(date +%s)
  /usr/bin/python3 -m nbconvert --to notebook --execute "$nb" --output-dir "$out" \
    --ExecutePreprocessor.kernel_name=.net-csharp --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.startup_timeout=180
  executed="$out/$(basename "$nb")"
  /usr/bin/python3 - "$executed" <<'PY'
import json, sys
path = sys.argv[1]
nb = json.load(open(path))
outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
errors = [o for o in outputs if o.get("output_type") == "error"]
if errors:
    sys.exit(f"jupyter-check: {path}: error output: {errors[0].get('ename')}: {errors[0].get('evalue')}")
blob = json.dumps(outputs)
if path.endswith("00-getting-started.ipynb"):
    for needle, what in [("TorchSharpVersion", "environment report"), ("data:image/gif;base64,", "animated clip"), ("newPlot", "Plotly chart")]:
        if needle not in blob:
            sys.exit(f"jupyter-check: {path}: no {what} in the outputs (looked for {needle!r})")
print(f"jupyter-check: {path}: {len(outputs)} outputs, no errors")
PY
  echo "jupyter-check: $(basename "$nb") executed in Jupyter in $(( $(date +%s) - start )) s"
done
