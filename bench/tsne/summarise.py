#!/usr/bin/python3
"""Turns one bench/tsne/run.sh log (JSON lines) into the README's markdown table."""
import json
import sys

recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sk = {r["n"]: r for r in recs if r.get("impl") == "sklearn"}
cs = {r["n"]: r for r in recs if r.get("impl") == "csharp"}
score = {r["n"]: r for r in recs if "score" in r}


def sk_cpu(a):
    """The peer records wall time and other processes' CPU, not its own: on a saturated 2-core machine its own CPU
    is about 2 * wall - other (checked on the C# side, where both are measured)."""
    if a.get("seconds") is None or a.get("other_procs_cpu_s") is None:
        return None
    return max(0.0, 2 * a["seconds"] - a["other_procs_cpu_s"])


def f(v, fmt):
    return "–" if v is None else format(v, fmt)


print("| N | sklearn s | C# s | C#/sklearn | own CPU-s sk (est.) / C# | other CPU-s sk / C# | trust sk | trust C# | Δtrust | KL sk | KL C# | ΔKL |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for n in sorted(cs):
    a, b, c = sk.get(n, {}), cs[n], score.get(n, {})
    key = "trustworthiness" if a.get("trustworthiness") is not None else "trustworthiness_sub"
    ta, tc = a.get(key), c.get(key)
    ka, kc = a.get("kl_sparseP"), c.get("kl_sparseP")
    label = "" if key == "trustworthiness" else " (2000 sub)"
    print(f"| {n} | {f(a.get('seconds'), '.1f')} | {f(b['seconds'], '.1f')} | "
          f"{f(b['seconds'] / a['seconds'] if a.get('seconds') else None, '.2f')} | "
          f"≈{f(sk_cpu(a), '.0f')} / {f(b.get('cpu_s'), '.1f')} | "
          f"{f(a.get('other_procs_cpu_s'), '.0f')} / {f(b.get('other_procs_cpu_s'), '.0f')} | "
          f"{f(ta, '.4f')}{label} | {f(tc, '.4f')} | {f(tc - ta if ta is not None and tc is not None else None, '+.4f')} | "
          f"{f(ka, '.4f')} | {f(kc, '.4f')} | {f((kc - ka) / ka * 100 if ka and kc else None, '+.1f')}% |")
print()
print("C# split (affinities / optimisation, s) and own CPU-s: " + "; ".join(
    f"N={n}: {cs[n]['affinity_seconds']:.1f} / {cs[n]['optimise_seconds']:.1f}, CPU {cs[n]['cpu_s']:.0f}" for n in sorted(cs)))
