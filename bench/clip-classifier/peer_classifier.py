"""PyTorch peer of VideoGan.Metrics.ClipClassifierModule (same layers, same shapes): forward throughput in clips/s.
Usage: /usr/bin/python3 peer_classifier.py [--threads 2] [--repeat 3] [--size 28]. Prints one JSON line."""
import argparse, json, time
import torch
import torch.nn as nn
import torch.nn.functional as F

def conv2d(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

def conv3d(cin, cout, k, s, p):
    return nn.Sequential(nn.Conv3d(cin, cout, k, s, p, bias=False), nn.BatchNorm3d(cout), nn.ReLU())

class ClipClassifier(nn.Module):
    def __init__(self, c=(16, 32, 64, 128), m=(48, 96, 128), heads=(10, 10, 6, 9), per_frame=(True, False, False, False)):
        super().__init__()
        self.stage1, self.stage2, self.stage3, self.stage4 = conv2d(1, c[0], 1), conv2d(c[0], c[1], 2), conv2d(c[1], c[2], 2), conv2d(c[2], c[3], 2)
        self.motion = nn.Sequential(
            conv3d(c[1], m[0], (1, 3, 3), (1, 2, 2), (0, 1, 1)), conv3d(m[0], m[0], (3, 1, 1), (1, 1, 1), (1, 0, 0)),
            conv3d(m[0], m[1], (1, 3, 3), (1, 2, 2), (0, 1, 1)), conv3d(m[1], m[1], (3, 1, 1), (2, 1, 1), (1, 0, 0)),
            conv3d(m[1], m[2], (3, 3, 3), (1, 2, 2), (1, 1, 1)))
        self.per_frame = per_frame
        self.heads = nn.ModuleList(nn.Linear(c[3] if pf else c[3] + m[2], k) for k, pf in zip(heads, per_frame))

    def forward(self, x):  # [B, 1, T, H, W] in [-1, 1]
        b, _, t, h, w = x.shape
        f = x.permute(0, 2, 1, 3, 4).reshape(b * t, 1, h, w)
        if h != 32 or w != 32:
            f = F.interpolate(f, size=(32, 32), mode="bilinear", align_corners=False)
        h2 = self.stage2(self.stage1(f))
        frame = self.stage4(self.stage3(h2)).mean((2, 3))
        maps = h2.reshape(b, t, *h2.shape[1:]).permute(0, 2, 1, 3, 4)
        motion = self.motion(maps).mean((2, 3, 4))
        clip = torch.cat([frame.reshape(b, t, -1).mean(1), motion], 1)
        return clip, [hd(frame).reshape(b, t, -1).mean(1) if pf else hd(clip) for hd, pf in zip(self.heads, self.per_frame)]

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2); ap.add_argument("--repeat", type=int, default=3)
a = ap.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(0)
net = ClipClassifier().eval()
rec = {"peer": "pytorch", "torch": torch.__version__, "threads": a.threads, "batch": 64, "frames": 16,
       "params": sum(p.numel() for p in net.parameters())}
for size in (28, 64):
    x = torch.rand(64, 1, 16, size, size) * 2 - 1
    times = []
    with torch.no_grad():
        for r in range(a.repeat + 1):
            t0 = time.perf_counter(); net(x); dt = time.perf_counter() - t0
            if r > 0: times.append(dt)
    times.sort()
    rec[f"forward_clips_per_s_{size}px"] = round(64 / times[len(times) // 2], 1)
print(json.dumps(rec))
