using System.Text.Json.Serialization;

namespace VideoGan.Data;

/// <summary>Motion of a synthetic face clip.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaceMotion>))]
public enum FaceMotion
{
    /// <summary>A slow head turn (yaw) to the left or right.</summary>
    HeadTurn,
    /// <summary>A nod (pitch oscillation).</summary>
    Nod,
    /// <summary>One or two blinks, head still.</summary>
    Blink,
    /// <summary>The mouth turns into a smile (or relaxes from one).</summary>
    Smile,
}

/// <summary>Parameters of <see cref="SyntheticFaces"/> (the case study's faces domain: RGB 64x64x16).</summary>
public sealed record SyntheticFacesOptions
{
    /// <summary>Frame side in pixels.</summary>
    public int Size { get; init; } = 64;
    /// <summary>Frames per clip.</summary>
    public int Frames { get; init; } = 16;
    /// <summary>Motion types drawn uniformly per clip.</summary>
    public IReadOnlyList<FaceMotion> Motions { get; init; } = Enum.GetValues<FaceMotion>();
    /// <summary>Peak head-turn amplitude in degrees (each clip draws 50-100% of it).</summary>
    public double MaxTurnDegrees { get; init; } = 40;
    /// <summary>Peak nod amplitude in degrees.</summary>
    public double MaxNodDegrees { get; init; } = 20;

    /// <summary>Throws a clear exception for an impossible configuration.</summary>
    public void Validate()
    {
        if (Size < 16) throw new ArgumentOutOfRangeException(nameof(Size), $"Size {Size} is below 16 px.");
        if (Frames < 2) throw new ArgumentOutOfRangeException(nameof(Frames), $"Frames {Frames} must be >= 2.");
        if (Motions is null || Motions.Count == 0) throw new ArgumentException("Motions must name at least one motion.", nameof(Motions));
    }
}

/// <summary>What a synthetic face clip shows.</summary>
public sealed record FaceLabel
{
    /// <summary>The clip's motion.</summary>
    public required FaceMotion Motion { get; init; }
    /// <summary>+1 or -1: turn to the viewer's right / left, nod starting down / up, smile forming / relaxing; 0 for blinks.</summary>
    public required int Direction { get; init; }
    /// <summary>Amplitude: degrees for turns and nods, smile change (0-1), number of blinks.</summary>
    public required double Amplitude { get; init; }
    /// <summary>Skin colour, "#rrggbb".</summary>
    public required string Skin { get; init; }
    /// <summary>Hair colour, "#rrggbb".</summary>
    public required string Hair { get; init; }
    /// <summary>Index of the skin-tone palette entry (before the per-clip jitter): an identity attribute classifiers learn.</summary>
    public int SkinTone { get; init; }
    /// <summary>Index of the hair-colour palette entry (before the per-clip jitter).</summary>
    public int HairColour { get; init; }
    /// <summary>Background colour (top of the gradient), "#rrggbb".</summary>
    public required string Background { get; init; }
    /// <summary>Always true: these are procedural drawings, not people.</summary>
    public bool Synthetic => true;
}

/// <summary>Generated synthetic face clips and their labels.</summary>
public sealed class SyntheticFacesSet
{
    /// <summary>SYNTHETIC clips, uint8 <c>[N, 3, T, H, W]</c>.</summary>
    public required VideoClips Clips { get; init; }
    /// <summary>One label per clip.</summary>
    public required FaceLabel[] Labels { get; init; }
    /// <summary>The options used.</summary>
    public required SyntheticFacesOptions Options { get; init; }
    /// <summary>The seed used.</summary>
    public required int Seed { get; init; }
    /// <summary>Provenance string: says these are synthetic.</summary>
    public string Source => SyntheticFaces.SourceName;
    /// <summary>Number of clips.</summary>
    public int Count => Clips.Count;
}

/// <summary>
/// A procedural, clearly SYNTHETIC faces data set (no face video data can be downloaded here): cartoon heads drawn
/// with anti-aliased signed-distance shapes, RGB 64x64x16 by default, with head turns, nods, blinks and smiles as
/// labelled motion types and varied skin, hair, background and shirt colours. The embedded default for the faces
/// chapters and tests; real clips load with <see cref="FrameFolders"/>. Seeded and byte-identical per seed.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public static class SyntheticFaces
{
    /// <summary>Provenance of every clip this class makes.</summary>
    public const string SourceName = "SYNTHETIC procedural faces (VideoGan.Data.SyntheticFaces; drawings, not real people)";

    /// <summary>Number of skin-tone palette entries (<see cref="FaceLabel.SkinTone"/> is an index into it).</summary>
    public static int SkinToneCount => SkinTones.Length;
    /// <summary>Number of hair-colour palette entries (<see cref="FaceLabel.HairColour"/> is an index into it).</summary>
    public static int HairColourCount => HairColours.Length;

    static readonly (byte R, byte G, byte B)[] SkinTones =
    {
        (255, 224, 196), (241, 194, 160), (224, 172, 128), (198, 134, 90), (161, 102, 64), (120, 76, 48), (92, 56, 36), (236, 188, 180),
    };
    static readonly (byte R, byte G, byte B)[] HairColours =
    {
        (20, 16, 14), (60, 40, 25), (110, 70, 40), (200, 160, 90), (160, 60, 30), (150, 150, 150), (235, 225, 200), (50, 50, 90),
    };

    /// <summary>Generates <paramref name="count"/> clips.</summary>
    public static SyntheticFacesSet Generate(int count, SyntheticFacesOptions? options = null, int seed = 42, int maxThreads = -1)
    {
        var o = options ?? new SyntheticFacesOptions();
        o.Validate();
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        var clips = VideoClips.Uninitialized(count, 3, o.Frames, o.Size, o.Size); // every byte is written
        var labels = new FaceLabel[count];
        var motions = o.Motions.ToArray();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads },
            () => new float[o.Size * o.Size * 3],
            (i, _, rgb) => { labels[i] = RenderClip(o, motions, seed, i, clips.Clip(i), rgb); return rgb; },
            _ => { });
        return new SyntheticFacesSet { Clips = clips, Labels = labels, Options = o, Seed = seed };
    }

    sealed record Look(float[] Skin, float[] Hair, float[] Bg0, float[] Bg1, float[] Shirt, float[] Lips, float[] Iris,
                       float HeadW, float HeadH, float HairVolume, float Fringe, float EyeSize, float BaseYaw, float BasePitch);

    static float[] Rgb((byte R, byte G, byte B) c) => new[] { c.R / 255f, c.G / 255f, c.B / 255f };
    static string Hex(float[] c) => $"#{(int)Math.Round(c[0] * 255):x2}{(int)Math.Round(c[1] * 255):x2}{(int)Math.Round(c[2] * 255):x2}";

    static float[] Jitter(float[] c, ref SplitMix rng, double amount)
    {
        var o = new float[c.Length];
        for (int i = 0; i < c.Length; i++) o[i] = (float)Math.Clamp(c[i] + rng.Uniform(-amount, amount), 0, 1);
        return o;
    }

    static float[] Hsv(double h, double s, double v)
    {
        double c = v * s, x = c * (1 - Math.Abs(h / 60 % 2 - 1)), m = v - c;
        var (r, g, b) = h switch { < 60 => (c, x, 0.0), < 120 => (x, c, 0.0), < 180 => (0.0, c, x), < 240 => (0.0, x, c), < 300 => (x, 0.0, c), _ => (c, 0.0, x) };
        return new[] { (float)(r + m), (float)(g + m), (float)(b + m) };
    }

    static FaceLabel RenderClip(SyntheticFacesOptions o, FaceMotion[] motions, int seed, int index, Span<byte> clip, float[] rgb)
    {
        var rng = new SplitMix(seed, index, 0x66616365UL);
        var motion = motions[rng.Next(motions.Length)];
        int skinTone = rng.Next(SkinTones.Length);
        var skin = Jitter(Rgb(SkinTones[skinTone]), ref rng, 0.04);
        int hairColour = rng.Next(HairColours.Length);
        var look = new Look(
            Skin: skin,
            Hair: Jitter(Rgb(HairColours[hairColour]), ref rng, 0.05),
            Bg0: Hsv(rng.Uniform(0, 360), rng.Uniform(0.1, 0.6), rng.Uniform(0.35, 0.95)),
            Bg1: Hsv(rng.Uniform(0, 360), rng.Uniform(0.1, 0.6), rng.Uniform(0.25, 0.8)),
            Shirt: Hsv(rng.Uniform(0, 360), rng.Uniform(0.3, 0.9), rng.Uniform(0.3, 0.9)),
            Lips: new[] { skin[0] * 0.75f, skin[1] * 0.42f, skin[2] * 0.42f },
            Iris: Hsv(rng.Uniform(15, 220), rng.Uniform(0.3, 0.8), rng.Uniform(0.15, 0.5)),
            HeadW: (float)rng.Uniform(0.20, 0.25), HeadH: (float)rng.Uniform(0.27, 0.31),
            HairVolume: (float)rng.Uniform(0.0, 0.06), Fringe: (float)rng.Uniform(0.25, 0.55),
            EyeSize: (float)rng.Uniform(0.85, 1.15),
            BaseYaw: (float)rng.Uniform(-0.15, 0.15), BasePitch: (float)rng.Uniform(-0.08, 0.08));

        int T = o.Frames, n = o.Size;
        int direction = rng.Next(2) == 0 ? -1 : 1;
        double amplitude;
        // Per-frame pose and expression.
        var yaw = new double[T]; var pitch = new double[T]; var open = new double[T]; var smile = new double[T];
        double baseSmile = rng.Uniform(0, 0.25);
        for (int t = 0; t < T; t++) { yaw[t] = look.BaseYaw; pitch[t] = look.BasePitch; open[t] = 1; smile[t] = baseSmile; }
        double Ease(double u) => u * u * (3 - 2 * u); // smoothstep: slow start and stop
        switch (motion)
        {
            case FaceMotion.HeadTurn:
            {
                amplitude = o.MaxTurnDegrees * rng.Uniform(0.5, 1.0);
                double a = amplitude * Math.PI / 180;
                for (int t = 0; t < T; t++) yaw[t] = look.BaseYaw + direction * a * (Ease((double)t / (T - 1)) - 0.5);
                break;
            }
            case FaceMotion.Nod:
            {
                amplitude = o.MaxNodDegrees * rng.Uniform(0.5, 1.0);
                double a = amplitude * Math.PI / 180, period = rng.Uniform(T * 0.5, T);
                for (int t = 0; t < T; t++) pitch[t] = look.BasePitch + direction * a * Math.Sin(2 * Math.PI * t / period);
                break;
            }
            case FaceMotion.Blink:
            {
                direction = 0;
                int blinks = T >= 10 && rng.Next(3) == 0 ? 2 : 1;
                amplitude = blinks;
                for (int b = 0; b < blinks; b++)
                {
                    double centre = blinks == 1 ? rng.Uniform(T * 0.25, T * 0.75) : rng.Uniform(T * (0.15 + 0.5 * b), T * (0.35 + 0.5 * b));
                    for (int t = 0; t < T; t++) open[t] = Math.Min(open[t], 1 - 0.92 * Math.Exp(-Math.Pow((t - centre) / 0.9, 2)));
                }
                break;
            }
            default: // Smile
            {
                amplitude = rng.Uniform(0.6, 0.9);
                for (int t = 0; t < T; t++)
                {
                    double u = Ease((double)t / (T - 1));
                    smile[t] = direction > 0 ? baseSmile + amplitude * u : baseSmile + amplitude * (1 - u);
                }
                amplitude = Math.Round(amplitude, 6);
                break;
            }
        }
        for (int t = 0; t < T; t++)
        {
            DrawFrame(rgb, n, look, yaw[t], pitch[t], open[t], smile[t]);
            int hw = n * n;
            for (int c = 0; c < 3; c++)
            {
                var plane = clip.Slice((c * T + t) * hw, hw);
                for (int k = 0; k < hw; k++) plane[k] = (byte)Math.Clamp((int)(rgb[k * 3 + c] * 255f + 0.5f), 0, 255);
            }
        }
        return new FaceLabel
        {
            Motion = motion, Direction = direction, Amplitude = Math.Round(amplitude, 6),
            Skin = Hex(look.Skin), Hair = Hex(look.Hair), Background = Hex(look.Bg0),
            SkinTone = skinTone, HairColour = hairColour,
        };
    }

    // ---- drawing: painter's algorithm with anti-aliased signed-distance shapes (distances in pixels) ----

    static void DrawFrame(float[] rgb, int n, Look k, double yaw, double pitch, double open, double smile)
    {
        float s = n; // all geometry in units of the frame size
        for (int y = 0; y < n; y++)
        {
            float v = (float)y / (n - 1);
            for (int x = 0; x < n; x++)
                for (int c = 0; c < 3; c++) rgb[(y * n + x) * 3 + c] = k.Bg0[c] * (1 - v) + k.Bg1[c] * v;
        }
        float cx = 0.5f * s, cy = 0.47f * s, rx = k.HeadW * s, ry = k.HeadH * s;
        // The head shifts a little with the pose, as a head rotating about the neck does.
        float hx = cx + (float)(Math.Sin(yaw) * 0.12 * rx), hy = cy + (float)(Math.Sin(pitch) * 0.25 * ry);

        // Shoulders and neck.
        Ellipse(rgb, n, cx, s * 1.08f, s * 0.42f, s * 0.2f, k.Shirt);
        Ellipse(rgb, n, cx, hy + ry * 0.95f, rx * 0.45f, ry * 0.45f, Shade(k.Skin, 0.85f));
        // Hair behind the head.
        Ellipse(rgb, n, hx - (float)Math.Sin(yaw) * rx * 0.15f, hy - ry * 0.12f, rx * (1.1f + k.HairVolume * 3), ry * (1.0f + k.HairVolume * 2), k.Hair);
        // Ears: at +-90 degrees around the head, visible while facing the viewer.
        for (int side = -1; side <= 1; side += 2)
        {
            double phi = side * Math.PI / 2 + yaw;
            float ex = hx + (float)(Math.Sin(phi) * rx * 1.02), ey = hy + ry * 0.05f;
            if (Math.Cos(phi) > -0.35) Ellipse(rgb, n, ex, ey, rx * 0.16f, ry * 0.2f, Shade(k.Skin, 0.9f));
        }
        // Head.
        Ellipse(rgb, n, hx, hy, rx, ry, k.Skin);
        // Fringe: the top of a hair ellipse, cut by a hairline below which the face shows.
        float hairline = hy - ry * (0.75f - 0.35f * k.Fringe) + (float)Math.Sin(pitch) * ry * 0.3f;
        float fcx = hx + (float)Math.Sin(yaw) * rx * 0.35f, fcy = hy - ry * 0.35f;
        Shape(rgb, n, fcx - rx * 1.2f, fcy - ry * 1.0f, fcx + rx * 1.2f, hairline + 1,
            (px, py) => Math.Max(EllipseSdf(px - fcx, py - fcy, rx * 1.06f, ry * 0.78f), py - hairline), k.Hair);

        // Facial features sit on the head's surface: horizontal angle u and vertical angle w, rotated by the pose.
        (float X, float Y, float Sx, float Sy, bool Visible) Place(double u, double w)
        {
            double a = u + yaw, b = w + pitch;
            return (hx + (float)(Math.Sin(a) * rx * 0.98), hy + (float)(Math.Sin(b) * ry * 0.98),
                    (float)Math.Max(0, Math.Cos(a)), (float)Math.Max(0, Math.Cos(b)), Math.Cos(a) > 0.2);
        }
        float eyeW = rx * 0.24f * k.EyeSize, eyeH = ry * 0.11f * k.EyeSize;
        for (int side = -1; side <= 1; side += 2)
        {
            var e = Place(side * 0.42, -0.1);
            if (!e.Visible) continue;
            // Brow.
            var br = Place(side * 0.42, -0.3);
            Ellipse(rgb, n, br.X, br.Y, eyeW * 1.1f * br.Sx, eyeH * 0.35f * br.Sy + 0.3f, Shade(k.Hair, 0.8f));
            float ew = eyeW * e.Sx, eh = (float)(eyeH * e.Sy * open);
            if (eh < 0.35f)
            {
                // Closed: a lash line.
                Ellipse(rgb, n, e.X, e.Y, ew, 0.45f, Shade(k.Skin, 0.45f));
                continue;
            }
            Ellipse(rgb, n, e.X, e.Y, ew, eh, new[] { 0.97f, 0.97f, 0.95f });
            // Iris and pupil, clipped to the open eye; they look where the head turns.
            float ix = e.X + (float)Math.Sin(yaw) * ew * 0.15f, iw = eyeH * 0.95f * e.Sx, ih = eyeH * 0.95f * e.Sy;
            float ecx = e.X, ecy = e.Y;
            Shape(rgb, n, ix - iw - 1, e.Y - ih - 1, ix + iw + 1, e.Y + ih + 1,
                (px, py) => Math.Max(EllipseSdf(px - ix, py - ecy, iw, ih), EllipseSdf(px - ecx, py - ecy, ew, eh)), k.Iris);
            Shape(rgb, n, ix - iw, e.Y - ih, ix + iw, e.Y + ih,
                (px, py) => Math.Max(EllipseSdf(px - ix, py - ecy, iw * 0.45f, ih * 0.45f), EllipseSdf(px - ecx, py - ecy, ew, eh)), new[] { 0.05f, 0.05f, 0.06f });
            // Upper lid shadow grows as the eye closes.
            if (open < 0.95)
                Shape(rgb, n, e.X - ew - 1, e.Y - eyeH - 1, e.X + ew + 1, e.Y + eyeH + 1,
                    (px, py) => Math.Max(EllipseSdf(px - ecx, py - ecy, ew, eyeH * e.Sy), py - (ecy - eh)), Shade(k.Skin, 0.85f));
        }
        // Nose.
        var no = Place(0, 0.18);
        Ellipse(rgb, n, no.X, no.Y, rx * 0.09f * no.Sx + 0.4f, ry * 0.09f, Shade(k.Skin, 0.82f));
        // Mouth: a thick parabola whose curvature is the smile.
        var m = Place(0, 0.48);
        if (m.Visible || Math.Abs(yaw) < 1.2)
        {
            float mw = rx * (0.38f + 0.12f * (float)smile) * Math.Max(0.3f, m.Sx), mx = m.X, my = m.Y;
            float curve = (float)(0.9 * smile - 0.1) * ry * 0.22f / Math.Max(1f, mw * mw); // >0 bends the corners up
            float thick = 0.55f + 0.35f * (float)smile;
            Shape(rgb, n, mx - mw - 2, my - ry * 0.25f, mx + mw + 2, my + ry * 0.25f, (px, py) =>
            {
                float dx = px - mx, yc = my - curve * (mw * mw - dx * dx) * 0.0f - curve * (dx * dx - mw * mw * 0.35f);
                float dCurve = Math.Abs(py - yc) / MathF.Sqrt(1 + 4 * curve * curve * dx * dx) - thick;
                return Math.Max(dCurve, Math.Abs(dx) - mw);
            }, k.Lips);
        }
    }

    static float[] Shade(float[] c, float f) => new[] { c[0] * f, c[1] * f, c[2] * f };

    /// <summary>Approximate signed distance (pixels) to an axis-aligned ellipse.</summary>
    static float EllipseSdf(float dx, float dy, float a, float b)
    {
        a = Math.Max(a, 0.05f); b = Math.Max(b, 0.05f);
        float k0 = MathF.Sqrt(dx * dx / (a * a) + dy * dy / (b * b));
        if (k0 < 1e-6f) return -Math.Min(a, b);
        float gx = dx / (a * a), gy = dy / (b * b);
        float g = MathF.Sqrt(gx * gx + gy * gy) / k0;
        return (k0 - 1) / g;
    }

    static void Ellipse(float[] rgb, int n, float cx, float cy, float a, float b, float[] colour) =>
        Shape(rgb, n, cx - a - 1, cy - b - 1, cx + a + 1, cy + b + 1, (px, py) => EllipseSdf(px - cx, py - cy, a, b), colour);

    /// <summary>Blends <paramref name="colour"/> over the pixels whose centre is inside the shape (coverage from the SDF).</summary>
    static void Shape(float[] rgb, int n, float x0, float y0, float x1, float y1, Func<float, float, float> sdf, float[] colour)
    {
        int xa = Math.Max(0, (int)MathF.Floor(x0)), ya = Math.Max(0, (int)MathF.Floor(y0));
        int xb = Math.Min(n - 1, (int)MathF.Ceiling(x1)), yb = Math.Min(n - 1, (int)MathF.Ceiling(y1));
        for (int y = ya; y <= yb; y++)
            for (int x = xa; x <= xb; x++)
            {
                float cov = Math.Clamp(0.5f - sdf(x + 0.5f, y + 0.5f), 0f, 1f);
                if (cov <= 0) continue;
                int p = (y * n + x) * 3;
                rgb[p] += (colour[0] - rgb[p]) * cov;
                rgb[p + 1] += (colour[1] - rgb[p + 1]) * cov;
                rgb[p + 2] += (colour[2] - rgb[p + 2]) * cov;
            }
    }
}
