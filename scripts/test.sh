#!/usr/bin/env bash
# The workspace's test command (README, .ci/run): build everything, run the whole test suite (unit tests and every
# notebook executed headlessly), then the Jupyter parity check: every notebook in real Jupyter, its recorded values
# compared with the headless runner's (scripts/jupyter-check.sh).
# Works on a clean clone with an empty project-local NuGet folder (nuget.config: .nuget/packages).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
start=$(date +%s)
stamp() { echo "test.sh: $1 after $(( $(date +%s) - start )) s"; }

dotnet build VideoGan.Notebooks.sln -v quiet -nologo
stamp "build done"

# Headless Chromium for the browser checks of the offline HTML report (issue 7); Debian's package, as root or sudo.
if [[ ! -x /usr/bin/chromium ]]; then
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends chromium >/dev/null
  stamp "chromium installed"
fi

# Notebook tests are serial (one collection); the rest run in parallel. A hung test fails the run instead of CI.
dotnet test VideoGan.Notebooks.sln --no-build -nologo --blame-hang-timeout 20m \
  --logger "console;verbosity=normal" --results-directory artifacts/test-results
stamp "dotnet test passed"

scripts/jupyter-check.sh
stamp "Jupyter check passed; all done"
