using System.Runtime.Intrinsics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoGan.Data;

/// <summary>How the digits of a clip move (one motion type per clip; each digit draws its own direction).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MotionType>))]
public enum MotionType
{
    /// <summary>Straight line in a random direction, bouncing off the borders (Srivastava et al. 2015).</summary>
    Bounce,
    /// <summary>Sinusoidal left-right sway at a fixed height.</summary>
    HorizontalSway,
    /// <summary>Sinusoidal up-down bob at a fixed column.</summary>
    VerticalBob,
    /// <summary>Straight line along one of the four diagonals, bouncing.</summary>
    Diagonal,
    /// <summary>No motion.</summary>
    Static,
    /// <summary>Fixed position, small oscillating rotation and zoom.</summary>
    RotateZoom,
}

/// <summary>
/// Parameters of <see cref="MovingMnist"/>. The defaults are Srivastava et al. (2015): 64x64 canvas, 2 digits,
/// 20 frames, bounce at 0.1 of the free range per frame, overlap = per-pixel max.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public sealed record MovingMnistOptions
{
    /// <summary>Canvas side in pixels (square frames).</summary>
    public int CanvasSize { get; init; } = 64;
    /// <summary>Digits drawn into each clip.</summary>
    public int DigitsPerClip { get; init; } = 2;
    /// <summary>Frames per clip.</summary>
    public int Frames { get; init; } = 20;
    /// <summary>Speed as a fraction of the free range (canvas minus digit size) per frame; Srivastava uses 0.1.</summary>
    public double Speed { get; init; } = 0.1;
    /// <summary>Relative speed spread: each clip's speed is uniform in Speed*(1 +- SpeedJitter). 0 = fixed.</summary>
    public double SpeedJitter { get; init; }
    /// <summary>Digit size relative to 28 px (0.5 gives 14x14 digits).</summary>
    public double DigitScale { get; init; } = 1.0;
    /// <summary>Motion types drawn uniformly per clip.</summary>
    public IReadOnlyList<MotionType> MotionTypes { get; init; } = new[] { MotionType.Bounce };
    /// <summary>Threshold the ink to 0/255 (the case study's binary digits).</summary>
    public bool BinaryInk { get; init; }
    /// <summary>Peak rotation of <see cref="MotionType.RotateZoom"/>, degrees.</summary>
    public double MaxRotationDegrees { get; init; } = 15;
    /// <summary>Peak relative zoom of <see cref="MotionType.RotateZoom"/> (0.15 = 85%..115%).</summary>
    public double MaxZoom { get; init; } = 0.15;
    /// <summary>
    /// Initial headings (degrees, 0 = right, 90 = down) that <see cref="MotionType.Bounce"/> and <see cref="MotionType.Diagonal"/>
    /// clips draw from, uniformly; null = any direction (Bounce) or the four diagonals (Diagonal). Restricting it makes a
    /// set that is not closed under time reversal (every clip starts moving the same way), as a metric test needs.
    /// </summary>
    public IReadOnlyList<double>? Directions { get; init; }

    /// <summary>Digit side in pixels after scaling.</summary>
    [JsonIgnore] public int DigitSize => Math.Max(1, (int)Math.Round(MnistDigits.Size * DigitScale));

    /// <summary>Srivastava et al. (2015): 64x64, 2 digits, 20 frames, bounce, speed 0.1, grey ink.</summary>
    public static MovingMnistOptions Srivastava => new();

    /// <summary>The case study's digits: a 28x28 canvas, 1 binary digit at half size (14 px), 16 frames, bounce (~1.4 px/frame).</summary>
    public static MovingMnistOptions CaseStudyDigits => new()
    { CanvasSize = 28, DigitsPerClip = 1, Frames = 16, DigitScale = 0.5, BinaryInk = true };

    /// <summary>Every motion type, for latent-space analysis (64x64, 1 digit, 16 frames, speed 0.08-0.12).</summary>
    public static MovingMnistOptions AllMotions => new()
    { DigitsPerClip = 1, Frames = 16, SpeedJitter = 0.2, MotionTypes = Enum.GetValues<MotionType>() };

    /// <summary>Throws a clear exception for an impossible configuration.</summary>
    public void Validate()
    {
        if (CanvasSize < 4) throw new ArgumentOutOfRangeException(nameof(CanvasSize), $"CanvasSize {CanvasSize} is below 4 px.");
        if (DigitsPerClip < 1) throw new ArgumentOutOfRangeException(nameof(DigitsPerClip), $"DigitsPerClip {DigitsPerClip} must be >= 1.");
        if (Frames < 1) throw new ArgumentOutOfRangeException(nameof(Frames), $"Frames {Frames} must be >= 1.");
        if (Speed < 0 || SpeedJitter < 0 || SpeedJitter > 1) throw new ArgumentOutOfRangeException(nameof(Speed), $"Speed {Speed} must be >= 0 and SpeedJitter {SpeedJitter} in [0, 1].");
        if (DigitScale <= 0) throw new ArgumentOutOfRangeException(nameof(DigitScale), $"DigitScale {DigitScale} must be > 0.");
        if (DigitSize > CanvasSize) throw new ArgumentOutOfRangeException(nameof(DigitScale), $"digit size {DigitSize} px (DigitScale {DigitScale}) exceeds the canvas ({CanvasSize} px): lower DigitScale or raise CanvasSize.");
        if (MotionTypes is null || MotionTypes.Count == 0) throw new ArgumentException("MotionTypes must name at least one motion type.", nameof(MotionTypes));
        if (Directions is { Count: 0 } || Directions?.Any(d => !double.IsFinite(d)) == true)
            throw new ArgumentException("Directions must be null or list finite headings in degrees.", nameof(Directions));
        bool moves = MotionTypes.Any(m => m is not (MotionType.Static or MotionType.RotateZoom));
        if (moves && DigitSize == CanvasSize)
            throw new ArgumentOutOfRangeException(nameof(DigitScale), $"digit size equals the canvas ({CanvasSize} px): digits cannot move. Use DigitScale < {CanvasSize / 28.0:0.##}.");
    }
}

/// <summary>What one clip shows; serialised as the labels side file next to an <c>.npy</c>.</summary>
public sealed record MovingMnistLabel
{
    /// <summary>Digit class of each digit in the clip.</summary>
    public required int[] Digits { get; init; }
    /// <summary>Index of each digit in its source pool (<see cref="MnistDigits"/>).</summary>
    public required int[] PoolIndices { get; init; }
    /// <summary>Motion type of the clip.</summary>
    public required MotionType Motion { get; init; }
    /// <summary>Initial direction of each digit in degrees (0 = +x/right, 90 = +y/down); NaN when it does not translate.</summary>
    public required double[] DirectionDegrees { get; init; }
    /// <summary>Translation speed, fraction of the free range per frame (peak speed for sway/bob); 0 when static.</summary>
    public required double Speed { get; init; }
    /// <summary>Top-left x of each digit in frame 0, pixels.</summary>
    public required int[] StartX { get; init; }
    /// <summary>Top-left y of each digit in frame 0, pixels.</summary>
    public required int[] StartY { get; init; }
}

/// <summary>Generated Moving MNIST clips, their labels and how they were made.</summary>
public sealed class MovingMnistSet
{
    /// <summary>The clips, uint8 <c>[N, 1, T, H, W]</c>.</summary>
    public required VideoClips Clips { get; init; }
    /// <summary>One label per clip.</summary>
    public required MovingMnistLabel[] Labels { get; init; }
    /// <summary>The options used.</summary>
    public required MovingMnistOptions Options { get; init; }
    /// <summary>The seed used.</summary>
    public required int Seed { get; init; }
    /// <summary>Where the digits came from.</summary>
    public required string DigitSource { get; init; }

    /// <summary>Number of clips.</summary>
    public int Count => Clips.Count;

    /// <summary>How many clips of each motion type.</summary>
    public Dictionary<MotionType, int> MotionCounts()
    {
        var d = Enum.GetValues<MotionType>().ToDictionary(m => m, _ => 0);
        foreach (var l in Labels) d[l.Motion]++;
        return d;
    }

    /// <summary>The digit of each clip (class labels for conditional training), or null when clips hold several digits.</summary>
    public long[]? SingleDigitLabels() => Options.DigitsPerClip == 1 ? Labels.Select(l => (long)l.Digits[0]).ToArray() : null;

    /// <summary>How many digits of each class appear (index = class).</summary>
    public int[] DigitCounts()
    {
        var c = new int[10];
        foreach (var l in Labels) foreach (var d in l.Digits) c[d]++;
        return c;
    }
}

/// <summary>
/// The Moving MNIST generator: seeded, byte-identical for the same seed, options and digit pool, and fast
/// (clips are drawn straight into one uint8 buffer, in parallel, each from its own derived random stream, so the
/// result does not depend on the number of threads).
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public static class MovingMnist
{
    /// <summary>
    /// Train clips from the embedded train digits and test clips from the embedded test digits (disjoint pools);
    /// seeds are derived from <paramref name="seed"/> per split.
    /// </summary>
    public static (MovingMnistSet Train, MovingMnistSet Test) GenerateTrainTest(int trainCount, int testCount,
        MovingMnistOptions? options = null, int seed = 42, string? dataDirectory = null)
    {
        var train = Generate(MnistDigits.LoadEmbedded(MnistSplit.Train, dataDirectory), trainCount, options, Runtime.Seeding.Derive(seed, "moving-mnist/train"));
        var test = Generate(MnistDigits.LoadEmbedded(MnistSplit.Test, dataDirectory), testCount, options, Runtime.Seeding.Derive(seed, "moving-mnist/test"));
        return (train, test);
    }

    /// <summary>Generates <paramref name="count"/> clips from the digits of <paramref name="pool"/>.</summary>
    public static MovingMnistSet Generate(MnistDigits pool, int count, MovingMnistOptions? options = null, int seed = 42, int maxThreads = -1)
    {
        var o = options ?? new MovingMnistOptions();
        o.Validate();
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (pool.Count == 0) throw new ArgumentException($"digit pool {pool.Source} is empty.", nameof(pool));
        int s = o.CanvasSize;
        var clips = VideoClips.Uninitialized(count, 1, o.Frames, s, s);
        var labels = new MovingMnistLabel[count];
        var motions = o.MotionTypes.ToArray();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads },
            () => new ClipWorkspace(o),
            (i, _, ws) => { labels[i] = RenderClip(pool, o, motions, seed, i, clips.Clip(i), ws); return ws; },
            _ => { });
        return new MovingMnistSet { Clips = clips, Labels = labels, Options = o, Seed = seed, DigitSource = pool.Source };
    }

    /// <summary>Per-thread scratch buffers (reused across clips; contents never influence the output).</summary>
    sealed class ClipWorkspace(MovingMnistOptions o)
    {
        public readonly byte[] Digit = new byte[o.DigitSize * o.DigitSize];
        public readonly byte[] Warped = new byte[o.DigitSize * o.DigitSize];
        public readonly int[] X = new int[o.Frames], Y = new int[o.Frames];
        public readonly double[] Angle = new double[o.Frames], Zoom = new double[o.Frames];
        public readonly double[] Weights = new double[o.DigitSize * MnistDigits.Size];
    }

    static MovingMnistLabel RenderClip(MnistDigits pool, MovingMnistOptions o, MotionType[] motions, int seed, int clipIndex, Span<byte> clip, ClipWorkspace ws)
    {
        var rng = new SplitMix(seed, clipIndex);
        int n = o.DigitsPerClip, T = o.Frames, canvas = o.CanvasSize, ds = o.DigitSize, free = canvas - ds;
        var motion = motions[rng.Next(motions.Length)];
        double speed = o.Speed * (1 + o.SpeedJitter * (2 * rng.NextDouble() - 1));
        bool translates = motion is not (MotionType.Static or MotionType.RotateZoom);
        clip.Clear(); // the buffer is uninitialised: each worker clears its own clips
        var label = new MovingMnistLabel
        {
            Digits = new int[n], PoolIndices = new int[n], Motion = motion, DirectionDegrees = new double[n],
            Speed = translates ? speed : 0, StartX = new int[n], StartY = new int[n],
        };
        for (int d = 0; d < n; d++)
        {
            int pi = rng.Next(pool.Count);
            label.PoolIndices[d] = pi;
            label.Digits[d] = pool.Labels[pi];
            ReadOnlySpan<byte> digit = PrepareDigit(pool.Image(pi), o, ws);
            label.DirectionDegrees[d] = Trajectory(ref rng, motion, speed, free, o, ws);
            label.StartX[d] = ws.X[0]; label.StartY[d] = ws.Y[0];
            for (int t = 0; t < T; t++)
            {
                var frame = clip.Slice(t * canvas * canvas, canvas * canvas);
                if (motion == MotionType.RotateZoom)
                {
                    Warp(digit, ds, ws.Angle[t], ws.Zoom[t], o.BinaryInk, ws.Warped);
                    MaxBlit(ws.Warped, ds, frame, canvas, ws.X[t], ws.Y[t]);
                }
                else MaxBlit(digit, ds, frame, canvas, ws.X[t], ws.Y[t]);
            }
        }
        return label;
    }

    /// <summary>Fills ws.X/ws.Y (pixels, top-left) and ws.Angle/ws.Zoom; returns the initial direction in degrees.</summary>
    static double Trajectory(ref SplitMix rng, MotionType motion, double speed, int free, MovingMnistOptions o, ClipWorkspace ws)
    {
        int T = o.Frames;
        double x = rng.NextDouble(), y = rng.NextDouble();
        switch (motion)
        {
            case MotionType.Bounce:
            case MotionType.Diagonal:
            {
                double theta = o.Directions is { } dirs
                    ? dirs[rng.Next(dirs.Count)] * Math.PI / 180
                    : motion == MotionType.Bounce
                        ? rng.Uniform(0, 2 * Math.PI)
                        : Math.PI / 4 + Math.PI / 2 * rng.Next(4);
                double vx = Math.Cos(theta) * speed, vy = Math.Sin(theta) * speed;
                for (int t = 0; t < T; t++)
                {
                    if (t > 0)
                    {
                        // Srivastava's bounce: clamp into [0, 1] and reverse the velocity component.
                        x += vx; y += vy;
                        if (x <= 0) { x = 0; vx = -vx; }
                        if (x >= 1) { x = 1; vx = -vx; }
                        if (y <= 0) { y = 0; vy = -vy; }
                        if (y >= 1) { y = 1; vy = -vy; }
                    }
                    ws.X[t] = (int)(x * free); ws.Y[t] = (int)(y * free);
                }
                ws.Angle.AsSpan(0, T).Clear(); ws.Zoom.AsSpan(0, T).Fill(1);
                return theta * 180 / Math.PI;
            }
            case MotionType.HorizontalSway:
            case MotionType.VerticalBob:
            {
                // p(t) = c + a sin(phase + w t); peak speed a*w equals the clip's speed.
                double a = rng.Uniform(0.25, 0.5), c = rng.Uniform(a, 1 - a), phase = rng.Uniform(0, 2 * Math.PI);
                double w = a > 0 ? speed / a : 0;
                bool horizontal = motion == MotionType.HorizontalSway;
                for (int t = 0; t < T; t++)
                {
                    double p = c + a * Math.Sin(phase + w * t);
                    ws.X[t] = (int)((horizontal ? p : x) * free);
                    ws.Y[t] = (int)((horizontal ? y : p) * free);
                }
                ws.Angle.AsSpan(0, T).Clear(); ws.Zoom.AsSpan(0, T).Fill(1);
                bool positive = Math.Cos(phase) >= 0;
                return horizontal ? (positive ? 0 : 180) : (positive ? 90 : 270);
            }
            case MotionType.Static:
                ws.X.AsSpan(0, T).Fill((int)(x * free)); ws.Y.AsSpan(0, T).Fill((int)(y * free));
                ws.Angle.AsSpan(0, T).Clear(); ws.Zoom.AsSpan(0, T).Fill(1);
                return double.NaN;
            case MotionType.RotateZoom:
            {
                ws.X.AsSpan(0, T).Fill((int)(x * free)); ws.Y.AsSpan(0, T).Fill((int)(y * free));
                double period = rng.Uniform(8, 16), w = 2 * Math.PI / period;
                double pr = rng.Uniform(0, 2 * Math.PI), pz = rng.Uniform(0, 2 * Math.PI);
                double rot = o.MaxRotationDegrees * Math.PI / 180;
                for (int t = 0; t < T; t++)
                {
                    ws.Angle[t] = rot * Math.Sin(pr + w * t);
                    ws.Zoom[t] = 1 + o.MaxZoom * Math.Sin(pz + w * t);
                }
                return double.NaN;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(motion), motion, "unknown motion type");
        }
    }

    /// <summary>The digit at the configured size (area resampling) and ink (binary threshold at 128).</summary>
    static ReadOnlySpan<byte> PrepareDigit(ReadOnlySpan<byte> src, MovingMnistOptions o, ClipWorkspace ws)
    {
        int ds = o.DigitSize, S = MnistDigits.Size;
        if (ds == S && !o.BinaryInk) return src;
        var dst = ws.Digit;
        if (ds == S) src.CopyTo(dst);
        else
        {
            // Separable area weights: output pixel k covers source [k*S/ds, (k+1)*S/ds).
            var wgt = ws.Weights; // [ds, S]
            double step = (double)S / ds;
            for (int k = 0; k < ds; k++)
            {
                double lo = k * step, hi = lo + step;
                for (int i = 0; i < S; i++)
                    wgt[k * S + i] = Math.Max(0, Math.Min(hi, i + 1) - Math.Max(lo, i)) / step;
            }
            Span<double> rows = stackalloc double[S];
            for (int v = 0; v < ds; v++)
            {
                // Vertical pass into one row of S columns, then horizontal.
                for (int col = 0; col < S; col++)
                {
                    double acc = 0;
                    for (int r = 0; r < S; r++) { double wv = wgt[v * S + r]; if (wv != 0) acc += wv * src[r * S + col]; }
                    rows[col] = acc;
                }
                for (int u = 0; u < ds; u++)
                {
                    double acc = 0;
                    for (int col = 0; col < S; col++) acc += wgt[u * S + col] * rows[col];
                    dst[v * ds + u] = (byte)Math.Clamp((int)Math.Round(acc), 0, 255);
                }
            }
        }
        if (o.BinaryInk)
            for (int i = 0; i < ds * ds; i++) dst[i] = dst[i] >= 128 ? (byte)255 : (byte)0;
        return dst.AsSpan(0, ds * ds);
    }

    /// <summary>Rotates/zooms the digit about its centre (bilinear, zero outside) into <paramref name="dst"/>.</summary>
    static void Warp(ReadOnlySpan<byte> src, int ds, double angle, double zoom, bool binary, byte[] dst)
    {
        double c = (ds - 1) / 2.0, cos = Math.Cos(angle) / zoom, sin = Math.Sin(angle) / zoom;
        for (int v = 0; v < ds; v++)
            for (int u = 0; u < ds; u++)
            {
                double dx = u - c, dy = v - c;
                double sx = c + cos * dx + sin * dy, sy = c - sin * dx + cos * dy;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                double val = (1 - fx) * (1 - fy) * At(src, ds, x0, y0) + fx * (1 - fy) * At(src, ds, x0 + 1, y0)
                           + (1 - fx) * fy * At(src, ds, x0, y0 + 1) + fx * fy * At(src, ds, x0 + 1, y0 + 1);
                byte b = (byte)Math.Clamp((int)Math.Round(val), 0, 255);
                dst[v * ds + u] = binary ? (b >= 128 ? (byte)255 : (byte)0) : b;
            }
    }

    static double At(ReadOnlySpan<byte> img, int n, int x, int y) => (uint)x < (uint)n && (uint)y < (uint)n ? img[y * n + x] : 0;

    /// <summary>frame[y.., x..] = max(frame, digit) with clipping at the canvas border (overlap = max).</summary>
    static void MaxBlit(ReadOnlySpan<byte> digit, int ds, Span<byte> frame, int canvas, int x, int y)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(canvas, x + ds), y1 = Math.Min(canvas, y + ds);
        int w = x1 - x0;
        if (w <= 0 || y1 <= y0) return;
        for (int yy = y0; yy < y1; yy++)
        {
            var src = digit.Slice((yy - y) * ds + (x0 - x), w);
            var dst = frame.Slice(yy * canvas + x0, w);
            if (w >= 16)
            {
                // Vector max over 16-byte blocks; the last block overlaps the previous one, harmless because max is idempotent.
                for (int k = 0; ; k += 16)
                {
                    if (k + 16 > w) k = w - 16;
                    var m = Vector128.Max(Vector128.Create(src.Slice(k, 16)), Vector128.Create((ReadOnlySpan<byte>)dst.Slice(k, 16)));
                    m.CopyTo(dst.Slice(k, 16));
                    if (k + 16 >= w) break;
                }
            }
            else
                for (int k = 0; k < w; k++) if (src[k] > dst[k]) dst[k] = src[k];
        }
    }

    /// <summary>JSON options for the labels side file (enums as names, NaN allowed).</summary>
    public static readonly JsonSerializerOptions LabelJson = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
