#!/usr/bin/env bash
# Sets up real Jupyter with the .NET Interactive C# kernel for this workspace, all project-local except Debian packages:
#   - Debian packages: nbconvert/nbclient/ipykernel (Debian's Python, /usr/bin/python3; PyPI is not needed)
#   - Microsoft.dotnet-interactive 1.0.712001 installed with --tool-path into artifacts/jupyter/tool
#   - the ".net-csharp" kernel spec in artifacts/jupyter/share/kernels (use it with JUPYTER_PATH=artifacts/jupyter/share),
#     whose argv calls that tool by absolute path with --http-local-only (no probing of non-local addresses)
# Idempotent: re-running only fills in what is missing. Used by scripts/jupyter-check.sh and scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jupyter_dir="$root/artifacts/jupyter"
tool_dir="$jupyter_dir/tool"
share_dir="$jupyter_dir/share"
version="1.0.712001"
python=/usr/bin/python3

packages=(jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-core python3-ipykernel python3-nbformat jupyter-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "jupyter-setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "jupyter-setup: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x "$tool_dir/dotnet-interactive" ]]; then
  echo "jupyter-setup: installing Microsoft.dotnet-interactive $version into $tool_dir" >&2
  dotnet tool install Microsoft.dotnet-interactive --version "$version" --tool-path "$tool_dir" >&2
fi

# The kernel spec: the tool's own installer writes it (with logos) into the project folder, not the user's Jupyter
# folder; its argv calls `dotnet interactive`, which does not resolve for a --tool-path install, so point it at the
# tool by absolute path and add --http-local-only (otherwise the first output carries a script probing other hosts).
kernels="$share_dir/kernels"
mkdir -p "$kernels"
"$tool_dir/dotnet-interactive" jupyter install --path "$kernels" >/dev/null
"$python" - "$kernels/.net-csharp/kernel.json" "$tool_dir/dotnet-interactive" <<'PY'
import json, sys
path, tool = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
argv = spec["argv"]
if argv[:2] == ["dotnet", "interactive"]:
    argv = [tool] + argv[2:]
if "--http-local-only" not in argv:
    argv.append("--http-local-only")
spec["argv"] = argv
json.dump(spec, open(path, "w"), indent=2)
PY
echo "jupyter-setup: kernel .net-csharp ready (JUPYTER_PATH=$share_dir)" >&2
