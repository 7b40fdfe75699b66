#!/usr/bin/env python3
"""NumPy reference recipe for the Moving MNIST benchmark (written for this benchmark).

Srivastava et al. (2015) recipe: 64x64 canvas, 2 digits of 28x28, 20 frames, start uniform in [0,1]^2 of the free
range (36 px), direction uniform, velocity 0.1 per frame, clamp-and-reflect bounce, pixel = int(p * 36),
overlap = per-pixel max; digits from the same embedded train split (data/mnist/train-*.gz) as the C# generator.
Output layout [N, 20, 64, 64] uint8 (the C# generator's [N, 1, T, H, W]).

Two implementations, both timed, the faster one is the reference:
  loop:       vectorised trajectories, then one np.maximum on a 28x28 slice per (clip, frame, digit)
              (the shape of the original generator script);
  vectorised: trajectories as [N, T] arrays; all clips drawn with fancy indexing, one digit row at a time.
Prints one JSON line per implementation.
"""
import argparse, gzip, json, os, resource, time
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def load_digits():
    d = os.path.join(ROOT, "data", "mnist")
    with gzip.open(os.path.join(d, "train-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 28, 28)


def trajectories(rng, n, frames, digits, speed=0.1):
    """[n, digits, frames] integer top-left x and y (Srivastava bounce)."""
    x = rng.random((n, digits)); y = rng.random((n, digits))
    theta = rng.random((n, digits)) * 2 * np.pi
    vx = np.cos(theta) * speed; vy = np.sin(theta) * speed
    xs = np.empty((n, digits, frames)); ys = np.empty((n, digits, frames))
    for t in range(frames):
        if t > 0:
            x = x + vx; y = y + vy
            lo = x <= 0; x[lo] = 0; vx[lo] = -vx[lo]
            hi = x >= 1; x[hi] = 1; vx[hi] = -vx[hi]
            lo = y <= 0; y[lo] = 0; vy[lo] = -vy[lo]
            hi = y >= 1; y[hi] = 1; vy[hi] = -vy[hi]
        xs[:, :, t] = x; ys[:, :, t] = y
    free = 64 - 28
    return (xs * free).astype(np.int64), (ys * free).astype(np.int64)


def generate_loop(pool, n, frames=20, digits=2, seed=42):
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(pool), (n, digits))
    px, py = trajectories(rng, n, frames, digits)
    out = np.zeros((n, frames, 64, 64), dtype=np.uint8)
    for i in range(n):
        clip = out[i]
        for d in range(digits):
            img = pool[idx[i, d]]
            for t in range(frames):
                x, y = px[i, d, t], py[i, d, t]
                s = clip[t, y:y + 28, x:x + 28]
                np.maximum(s, img, out=s)
    return out


def generate_vectorised(pool, n, frames=20, digits=2, seed=42):
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(pool), (n, digits))
    px, py = trajectories(rng, n, frames, digits)
    out = np.zeros((n * frames, 64, 64), dtype=np.uint8)
    nt = np.arange(n * frames)[:, None]
    cols28 = np.arange(28)[None, :]
    for d in range(digits):
        x = px[:, d, :].reshape(-1); y = py[:, d, :].reshape(-1)
        imgs = pool[np.repeat(idx[:, d], frames)]          # [n*frames, 28, 28]
        cols = x[:, None] + cols28                           # [n*frames, 28]
        for r in range(28):
            rows = (y + r)[:, None]
            cur = out[nt, rows, cols]
            out[nt, rows, cols] = np.maximum(cur, imgs[:, r, :])
    return out.reshape(n, frames, 64, 64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--impl", nargs="+", default=["loop", "vectorised"])
    args = ap.parse_args()
    pool = load_digits()
    fns = {"loop": generate_loop, "vectorised": generate_vectorised}
    # Both implementations draw the same random numbers, so their outputs must agree exactly.
    small = [fns[k](pool, 200) for k in args.impl]
    agree = all(np.array_equal(small[0], s) for s in small)
    for name in args.impl:
        fn = fns[name]
        fn(pool, 200)  # warm-up
        times, cpu = [], []
        for _ in range(args.repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            out = fn(pool, args.clips)
            times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
            del out
        times.sort(); cpu.sort()
        print(json.dumps({
            "impl": f"numpy-{name}", "clips": args.clips, "shape": [args.clips, 1, 20, 64, 64],
            "seconds_median": times[len(times) // 2], "seconds_min": times[0], "seconds_all": times,
            "cpu_s_median": cpu[len(cpu) // 2], "cpu_s_min": cpu[0],
            "clips_per_s": args.clips / times[len(times) // 2], "implementations_agree": agree,
            "loadavg_1min": open("/proc/loadavg").read().split()[0], "numpy": np.__version__,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }), flush=True)


if __name__ == "__main__":
    main()
