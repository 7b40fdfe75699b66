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
    def __init__(self, c=(16, 32, 64, 128), m=(48, 96, 96), k=32, heads=(10, 10, 6, 9, 20), per_frame=(True, False, False, False, False)):
        super().__init__()
        self.stage1, self.stage2, self.stage3, self.stage4 = conv2d(1, c[0], 1), conv2d(c[0], c[1], 2), conv2d(c[1], c[2], 2), conv2d(c[2], c[3], 2)
        self.motion = nn.Sequential(
            conv3d(c[1], m[0], (1, 3, 3), (1, 2, 2), (0, 1, 1)), conv3d(m[0], m[0], (3, 1, 1), (1, 1, 1), (1, 0, 0)),
            conv3d(m[0], m[1], (1, 3, 3), (1, 2, 2), (0, 1, 1)), conv3d(m[1], m[1], (3, 1, 1), (2, 1, 1), (1, 0, 0)),
            conv3d(m[1], m[2], (3, 3, 3), (1, 2, 2), (1, 1, 1)))
        def conv1d(cin, cout, d):
            return nn.Sequential(nn.Conv1d(cin, cout, 3, padding=d, dilation=d, bias=False), nn.BatchNorm1d(cout), nn.ReLU())
        self.trajectory = nn.Sequential(conv1d(12, k, 1), conv1d(k, k, 2), conv1d(k, k, 4), conv1d(k, k, 8))
        self.per_frame = per_frame
        self.heads = nn.ModuleList(nn.Linear(c[3] if pf else c[3] + m[2] + k, n) for n, pf in zip(heads, per_frame))

    def forward(self, x):  # [B, 1, T, H, W] in [-1, 1]
        b, _, t, h, w = x.shape
        f = x.permute(0, 2, 1, 3, 4).reshape(b * t, 1, h, w)
        if h != 32 or w != 32:
            f = F.interpolate(f, size=(32, 32), mode="bilinear", align_corners=False)
        h2 = self.stage2(self.stage1(f))
        frame = self.stage4(self.stage3(h2)).mean((2, 3))
        maps = h2.reshape(b, t, *h2.shape[1:]).permute(0, 2, 1, 3, 4)
        motion = self.motion(maps).mean((2, 3, 4))
        clip = torch.cat([frame.reshape(b, t, -1).mean(1), motion, self.trajectory(ink_trajectory(f.reshape(b, t, 32, 32))).mean(2)], 1)
        return clip, [hd(frame).reshape(b, t, -1).mean(1) if pf else hd(clip) for hd, pf in zip(self.heads, self.per_frame)]

def ink_trajectory(x):  # [B, T, S, S] in [-1, 1] -> [B, 12, T]: ink centre, second moments, log mass and their changes
    b, t, h, w = x.shape
    ink = ((x + 1) * 0.5).clamp(0, 1)
    mass = ink.sum((2, 3)); safe = mass.clamp_min(1e-3)
    ys = torch.linspace(-1, 1, h).view(1, 1, h, 1); xs = torch.linspace(-1, 1, w).view(1, 1, 1, w)
    cx = (ink * xs).sum((2, 3)) / safe; cy = (ink * ys).sum((2, 3)) / safe
    dx = xs - cx.view(b, t, 1, 1); dy = ys - cy.view(b, t, 1, 1)
    sxx = (ink * dx * dx).sum((2, 3)) / safe; syy = (ink * dy * dy).sum((2, 3)) / safe; sxy = (ink * dx * dy).sum((2, 3)) / safe
    m = torch.stack([cx, cy, sxx * 4, syy * 4, sxy * 4, (mass / (h * w) + 1e-4).log() * 0.25], 1)
    change = torch.cat([torch.zeros(b, 6, 1), m[:, :, 1:] - m[:, :, :-1]], 2) * 8
    return torch.cat([m, change], 1)

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
