#!/usr/bin/python3
"""Summarises bench/videogan-step results: speed ratio per side-by-side pair and the RSS trace of the long run."""
import json, os, statistics, sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
rows = [json.loads(l) for l in open(os.path.join(out, "pairs.jsonl")) if l.strip()] if os.path.exists(os.path.join(out, "pairs.jsonl")) else []

def cpu_per_iter(r):
    return (r["cpu_user_s"] + r["cpu_sys_s"]) / r["iters"]

print("## Side-by-side pairs (peer first, then C#; 2 torch threads each; glibc malloc)\n")
print("ratio = peer ms / C# ms (> 1: TorchSharp faster). cpu = process CPU seconds per iteration. "
      "other = CPU seconds other processes used during the timed window (both cores: up to 2 x wall).\n")
print("| run | size | batch | peer ms (median) | C# ms (median) | wall ratio | peer cpu s/it | C# cpu s/it | cpu ratio | peer peak RSS MiB | C# peak RSS MiB | other CPU s peer / C# (timed wall s) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
by_size = {}
for r in rows:
    p, c = r["peer"], r["csharp"]
    ratio = p["ms_per_iter_median"] / c["ms_per_iter_median"]
    cratio = cpu_per_iter(p) / cpu_per_iter(c)
    by_size.setdefault((p["size"], p["batch"]), []).append((ratio, cratio, p, c))
    print(f"| {r['run']}#{r['pair']} | {p['size']} | {p['batch']} | {p['ms_per_iter_median']:.0f} | {c['ms_per_iter_median']:.0f} | {ratio:.2f} | "
          f"{cpu_per_iter(p):.2f} | {cpu_per_iter(c):.2f} | {cratio:.2f} | {p['peak_rss_mib']:.0f} | {c['peak_rss_mib']:.0f} | "
          f"{p['other_procs_cpu_s']} ({p['timed_wall_s']}) / {c['other_procs_cpu_s']} ({c['timed_wall_s']}) |")
if by_size:
    print("\nPer size, median over pairs: ")
    for (size, batch), v in by_size.items():
        print(f"- {size} batch {batch}: wall ratio {statistics.median(x[0] for x in v):.2f}, cpu ratio {statistics.median(x[1] for x in v):.2f}, "
              f"params G+D {v[0][3]['params_total']:,} (peer {v[0][2]['params_total']:,}), {len(v)} pair(s)")

flat = os.path.join(out, "flat.json")
if os.path.exists(flat):
    r = json.load(open(flat))
    tr = r.get("rss_trace", [])
    print(f"\n## Memory over {r['iters']} steps (TorchSharp, {r['size']} layout, width {r['g_width']}, batch {r['batch']})\n")
    if tr:
        steps = [t["step"] for t in tr]; rss = [t["rss_mib"] for t in tr]
        tail = [(s, m) for s, m in zip(steps, rss) if s >= max(100, steps[-1] // 10)]
        xs, ys = [s for s, _ in tail], [m for _, m in tail]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / max(1e-9, sum((x - mx) ** 2 for x in xs))
        pick = lambda s: next(m for st, m in zip(steps, rss) if st >= s)
        print(f"RSS MiB at step 1: {rss[0]}, 100: {pick(100)}, 500: {pick(min(500, steps[-1]))}, {steps[-1]}: {rss[-1]}; "
              f"min/max after step 100: {min(ys)}/{max(ys)}; least-squares slope after step 100: {slope * 1000:.2f} MiB per 1,000 steps; "
              f"peak RSS {r['peak_rss_mib']} MiB; median step {r['ms_per_iter_median']} ms; other CPU s {r['other_procs_cpu_s']} over {r['timed_wall_s']} s.")
