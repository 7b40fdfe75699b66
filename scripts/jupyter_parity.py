#!/usr/bin/python3
"""Executes notebooks in real Jupyter (nbconvert's ExecutePreprocessor and the .NET Interactive C# kernel) the way the
headless runner does, and compares what they record with the headless runner's metrics.json.

For each notebook:
  1. parameters: the notebook's metadata set (videogan.parameters.<config>) is injected as a code cell right after the
     cell tagged "parameters", with the same text the headless runner (lib/VideoGan.Notebooks/NotebookRunner.cs) uses;
  2. the kernel runs in the notebook's own folder (so `#r "../lib/VideoGan/bin/VideoGan.dll"` resolves as in VS Code),
     with VIDEOGAN_NOTEBOOK_RECORD naming a JSON file that NotebookSession.Record fills, as under the headless runner;
  3. the executed notebook is written to the output folder; an error output fails the notebook;
  4. the recorded values are compared with metrics.json[<notebook>]: same names; strings, booleans and integers
     identical; floating-point numbers within |a - b| <= ABS_TOL + REL_TOL * max(|a|, |b|).

Usage: jupyter_parity.py --metrics METRICS.json --out DIR [--config smoke] [--timeout S] NOTEBOOK...
Exit 0 when every notebook ran and matched. Prints each notebook's run time and the first differences.
"""
import argparse
import json
import math
import os
import sys
import time

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

# Stated tolerance: the same library, libtorch, seed and thread count run in both hosts, so the values are expected to
# be bit-identical; the tolerance only absorbs a last-digit difference in a float printed through JSON.
REL_TOL = 1e-9
ABS_TOL = 1e-12
INJECTED_HEADER = "// Parameters injected by the headless runner"


def inject_parameters(nb, config):
    params = nb.metadata.get("videogan", {}).get("parameters", {}).get(config, {})
    if not params:
        return {}
    tagged = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        sys.exit(f"jupyter-parity: {config} parameters given but {len(tagged)} cells are tagged 'parameters' (need 1)")
    code = INJECTED_HEADER + "\n" + "\n".join(f"{k} = {v};" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["tags"] = ["injected-parameters"]
    cell.metadata["polyglot_notebook"] = {"kernelName": "csharp"}
    nb.cells.insert(tagged[0] + 1, cell)
    return params


class ProgressPreprocessor(ExecutePreprocessor):
    """Prints one line per code cell (number and seconds), so a long notebook shows where it is."""

    def preprocess_cell(self, cell, resources, index):
        start = time.time()
        result = super().preprocess_cell(cell, resources, index)
        if cell.cell_type == "code" and cell.source.strip():
            print(f"  [{resources['videogan_name']}] cell {index + 1}: {time.time() - start:.1f} s", flush=True)
        return result


def output_problem(nb):
    """What a reader must not see: compiler warnings, or markup shown as plain text (a cell that returned an HTML string)."""
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        for o in c.get("outputs", []):
            text = o.get("text", "") if o.get("output_type") == "stream" else ""
            if isinstance(text, list):
                text = "".join(text)
            if "warning CS" in text:
                line = next(l for l in text.splitlines() if "warning CS" in l)
                return f"cell {i + 1}: compiler warning in the output: {line.strip()[:200]}"
            data = o.get("data", {})
            plain = data.get("text/plain", "")
            if isinstance(plain, list):
                plain = "".join(plain)
            html = data.get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            rendered = (html and "dni-plaintext" not in html) or any(k in data for k in ("image/png", "image/svg+xml"))
            if plain.lstrip().startswith("<") and not rendered:
                return f"cell {i + 1}: HTML shown as plain text ({plain.strip()[:60]!r}...): display it (Clip.Show, HtmlView)"
    return None


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare(a, b, path, out):
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            if a != b:
                out.append(f"{path}: {a} (Jupyter) != {b} (headless)")
            return
        fa, fb = float(a), float(b)
        if math.isnan(fa) and math.isnan(fb):
            return
        if not (fa == fb or abs(fa - fb) <= ABS_TOL + REL_TOL * max(abs(fa), abs(fb))):
            out.append(f"{path}: {a!r} (Jupyter) != {b!r} (headless)")
        return
    if type(a) is not type(b):
        out.append(f"{path}: {type(a).__name__} {a!r:.80} (Jupyter) vs {type(b).__name__} {b!r:.80} (headless)")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}.{k}: recorded headless only")
            elif k not in b:
                out.append(f"{path}.{k}: recorded in Jupyter only")
            else:
                compare(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} elements (Jupyter) vs {len(b)} (headless)")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                compare(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r:.120} (Jupyter) != {b!r:.120} (headless)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--metrics", required=True, help="the headless runner's metrics.json for the same configuration")
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", default="smoke")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()

    headless = json.load(open(args.metrics))
    os.makedirs(args.out, exist_ok=True)
    failures, times = [], {}
    for i, path in enumerate(args.notebooks):
        name = os.path.splitext(os.path.basename(path))[0]
        nb = nbformat.read(path, as_version=4)
        params = inject_parameters(nb, args.config)
        record = os.path.abspath(os.path.join(args.out, name + ".recorded.json"))
        if os.path.exists(record):
            os.remove(record)
        os.environ["VIDEOGAN_NOTEBOOK_RECORD"] = record
        print(f"jupyter-parity: [{i + 1}/{len(args.notebooks)}] {name} ({args.config}: "
              f"{', '.join(f'{k}={v}' for k, v in params.items()) or 'no overrides'})", flush=True)
        ep = ProgressPreprocessor(kernel_name=".net-csharp", timeout=args.timeout, startup_timeout=180)
        start = time.time()
        error = None
        try:
            ep.preprocess(nb, {"metadata": {"path": os.path.dirname(os.path.abspath(path))}, "videogan_name": name})
        except Exception as e:  # CellExecutionError and kernel deaths: the notebook failed
            error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
        times[name] = time.time() - start
        nbformat.write(nb, os.path.join(args.out, os.path.basename(path)))
        errors = [(i + 1, o) for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            number, first = errors[0]
            detail = " ".join(str(first.get("evalue") or "").split())[:400]
            error = f"cell {number}: {first.get('ename')}: {detail}" + (f" ({error})" if error else "")
        if error is None:
            error = output_problem(nb)
        if error is not None:
            failures.append(f"{name}: failed in Jupyter: {error}")
            print(f"jupyter-parity: {name}: FAILED after {times[name]:.0f} s: {error}", flush=True)
            continue
        recorded = json.load(open(record)) if os.path.exists(record) else {}
        diffs = []
        if name not in headless:
            diffs.append("not in the headless metrics.json")
        else:
            compare(recorded, headless[name], name, diffs)
        if diffs:
            failures.append(f"{name}: {len(diffs)} values differ from the headless runner:\n    " + "\n    ".join(diffs[:12]))
            print(f"jupyter-parity: {name}: {len(diffs)} DIFFERENCES ({times[name]:.0f} s)", flush=True)
        else:
            print(f"jupyter-parity: {name}: {len(recorded)} recorded values match the headless runner "
                  f"(tolerance rel {REL_TOL:g}, abs {ABS_TOL:g}); {times[name]:.0f} s in Jupyter", flush=True)
    json.dump({k: round(v, 1) for k, v in times.items()}, open(os.path.join(args.out, "timings.json"), "w"), indent=2)
    print("jupyter-parity: run times in Jupyter: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
    if failures:
        print("jupyter-parity: FAILED\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print(f"jupyter-parity: all {len(args.notebooks)} notebooks ran in Jupyter and match the headless runner")
    return 0


if __name__ == "__main__":
    sys.exit(main())
