#!/usr/bin/env bash
# Renders an HTML page (the offline report) in headless Chromium and checks what a reader would see:
#   - every plotly chart in the page was drawn (.js-plotly-plot with an svg.main-svg),
#   - every animated GIF (data:image/gif) was decoded by the browser,
#   - no script error, and no request left the page (it must be self-contained).
# Writes OUTDIR/dom.html (the DOM after scripts ran, --dump-dom), OUTDIR/screenshot.png and OUTDIR/result.txt.
#
# usage: scripts/browser-check.sh PAGE.html OUTDIR [--min-charts N] [--min-gifs N] [--window-size W,H]
# exit:  0 all checks passed, 1 a check failed, 2 usage error or no Chromium (set CHROMIUM=/path/to/chromium).
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true  # keep "&" literal in ${var/pattern/replacement}

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 2 ]] || usage
page=$1; out=$2; shift 2
min_charts=0; min_gifs=0; window_size=1200,1600
while [[ $# -gt 0 ]]; do
  case $1 in
    --min-charts) min_charts=$2; shift 2 ;;
    --min-gifs) min_gifs=$2; shift 2 ;;
    --window-size) window_size=$2; shift 2 ;;
    *) echo "browser-check: unknown option $1" >&2; usage ;;
  esac
done
[[ -f $page ]] || { echo "browser-check: no such page: $page" >&2; exit 2; }

chromium=${CHROMIUM:-}
if [[ -z $chromium ]]; then
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
  done
fi
[[ -n $chromium && -x $chromium ]] || { echo "browser-check: Chromium not found (apt-get install chromium, or set CHROMIUM)" >&2; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
probe="$out/probe.html"
profile=$(mktemp -d "${TMPDIR:-/tmp}/browser-check-profile.XXXXXX")
trap 'rm -rf "$profile"' EXIT

# A copy of the page with an error recorder first in <head> and a probe at the end. The probe writes its findings
# into the DOM, which --dump-dom then prints. The copy lives in OUTDIR, so a page that leans on files beside it fails.
recorder='<script>window.__bcErrors=[];window.addEventListener("error",function(e){var t=e.target||{};window.__bcErrors.push(String(e.message||("failed to load "+(t.src||t.href||e.type))));},true);</script>'
probe_js='<script>
window.addEventListener("load", function () { setTimeout(function () {
  var plots = document.querySelectorAll(".js-plotly-plot");
  var drawn = 0; plots.forEach(function (p) { if (p.querySelector("svg.main-svg")) drawn++; });
  var chartScripts = Array.prototype.filter.call(document.scripts, function (s) {
    return !s.src && s.text.length < 500000 && s.text.indexOf("new" + "Plot(") >= 0; }).length;
  var gifs = Array.prototype.filter.call(document.images, function (i) { return i.src.indexOf("data:image/gif") === 0; });
  var decoded = gifs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var resources = performance.getEntriesByType("resource").map(function (r) { return r.name; });
  var pre = document.createElement("pre"); pre.id = "browser-check-result";
  pre.textContent = "chart_scripts=" + chartScripts + "\nplots=" + plots.length + "\nplots_drawn=" + drawn +
    "\ngifs=" + gifs.length + "\ngifs_decoded=" + decoded + "\nimages=" + document.images.length +
    "\nerrors=" + window.__bcErrors.length + "\nresources=" + resources.length +
    (window.__bcErrors.length ? "\nfirst_error=" + window.__bcErrors[0].replace(/\s+/g, " ") : "") +
    (resources.length ? "\nfirst_resource=" + resources[0] : "") + "\n";
  document.body.appendChild(pre);
}, 300); });
</script>'
if grep -q '<head>' "$page"; then
  # Insert the recorder right after the first <head> (plain bash: the page holds multi-MB lines).
  content=$(<"$page")
  printf '%s' "${content/<head>/<head>$recorder}" > "$probe"
else
  { printf '%s' "$recorder"; cat "$page"; } > "$probe"
fi
printf '%s\n' "$probe_js" >> "$probe"

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir="$profile"
       --window-size="$window_size" --virtual-time-budget=15000)
url="file://$probe"
# One run prints the DOM (--dump-dom) and saves the screenshot, both after the virtual time budget.
rm -f "$out/screenshot.png"
timeout 120 "$chromium" "${flags[@]}" --screenshot="$out/screenshot.png" --dump-dom "$url" > "$out/dom.html" 2> "$out/chromium.log" || true

result=$(sed -n '/<pre id="browser-check-result">/,/<\/pre>/p' "$out/dom.html" | sed 's/<[^>]*>//g' | grep '=' || true)
if [[ -z $result ]]; then
  echo "browser-check: FAIL: the probe did not report (see $out/chromium.log)" >&2
  tail -5 "$out/chromium.log" >&2 || true
  exit 1
fi
get() { echo "$result" | sed -n "s/^$1=//p" | head -1; }
dom_plots=$(grep -o 'js-plotly-plot' "$out/dom.html" | wc -l || true)
dom_svgs=$(grep -o 'class="main-svg"' "$out/dom.html" | wc -l || true)
shot_bytes=$(stat -c %s "$out/screenshot.png" 2>/dev/null || echo 0)
{
  echo "page=$page"
  echo "$result"
  echo "dom_js_plotly_plot=$dom_plots"
  echo "dom_main_svg=$dom_svgs"
  echo "screenshot_bytes=$shot_bytes"
} > "$out/result.txt"

fail=()
(( $(get chart_scripts) == $(get plots_drawn) )) || fail+=("$(get chart_scripts) chart scripts but $(get plots_drawn) charts drawn")
(( $(get plots_drawn) >= min_charts )) || fail+=("$(get plots_drawn) charts drawn, expected at least $min_charts")
(( dom_svgs >= $(get plots_drawn) )) || fail+=("dumped DOM has $dom_svgs svg.main-svg for $(get plots_drawn) charts")
(( $(get gifs_decoded) == $(get gifs) )) || fail+=("$(get gifs) GIF images but only $(get gifs_decoded) decoded")
(( $(get gifs) >= min_gifs )) || fail+=("$(get gifs) GIF images, expected at least $min_gifs")
(( $(get errors) == 0 )) || fail+=("script errors: $(get first_error)")
(( $(get resources) == 0 )) || fail+=("the page fetched $(get resources) resource(s), e.g. $(get first_resource)")
(( shot_bytes > 0 )) || fail+=("no screenshot (see $out/chromium.log)")

cat "$out/result.txt"
if (( ${#fail[@]} )); then
  for f in "${fail[@]}"; do echo "browser-check: FAIL: $f"; done
  exit 1
fi
echo "browser-check: OK ($(get plots_drawn) charts drawn, $(get gifs_decoded) GIFs decoded, screenshot $out/screenshot.png)"
