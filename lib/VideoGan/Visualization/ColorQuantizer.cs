namespace VideoGan.Visualization;

/// <summary>
/// Builds one palette for a whole animation (so colours do not flicker between frames) by median cut over the
/// colour histogram of every frame, and maps pixels to their nearest palette entry.
/// </summary>
/// <remarks>Used by <see cref="Clip.ToGif"/> for RGB clips; taught in notebook 00-getting-started.</remarks>
public sealed class ColorQuantizer
{
    readonly byte[] _palette;
    readonly Dictionary<int, byte> _nearest = new();

    /// <summary>The palette as RGB triples (at most 256 entries).</summary>
    public ReadOnlySpan<byte> Palette => _palette;

    /// <summary>Number of palette entries.</summary>
    public int Count => _palette.Length / 3;

    ColorQuantizer(byte[] palette) => _palette = palette;

    /// <summary>
    /// Median cut over packed 0xRRGGBB colours. When the input has at most <paramref name="maxColours"/> distinct
    /// colours the palette holds them exactly (lossless). <paramref name="reserved"/> colours are always included
    /// exactly (for example a border colour) and count towards the limit.
    /// </summary>
    public static ColorQuantizer Build(ReadOnlySpan<int> rgb, int maxColours = 256, params int[] reserved)
    {
        if (maxColours < 1 || maxColours > 256) throw new ArgumentOutOfRangeException(nameof(maxColours), maxColours, "Use 1..256 colours.");
        var histogram = new Dictionary<int, int>();
        foreach (int c in rgb)
        {
            int key = c & 0xFFFFFF;
            histogram[key] = histogram.TryGetValue(key, out int n) ? n + 1 : 1;
        }
        var reservedSet = new HashSet<int>(reserved.Select(r => r & 0xFFFFFF));
        foreach (int r in reservedSet) histogram.Remove(r);
        int budget = maxColours - reservedSet.Count;
        if (budget < 1 && histogram.Count > 0) throw new ArgumentException("Reserved colours leave no room for the image's colours.", nameof(reserved));

        var colours = new List<int>(reservedSet);
        if (histogram.Count <= budget)
            colours.AddRange(histogram.Keys);
        else
            colours.AddRange(Refine(histogram, MedianCut(histogram, budget).ToArray(), iterations: 4));
        if (colours.Count == 0) colours.Add(0);

        var palette = new byte[colours.Count * 3];
        for (int i = 0; i < colours.Count; i++)
        {
            palette[3 * i] = (byte)(colours[i] >> 16);
            palette[3 * i + 1] = (byte)(colours[i] >> 8);
            palette[3 * i + 2] = (byte)colours[i];
        }
        return new ColorQuantizer(palette);
    }

    /// <summary>Index of the palette entry nearest (squared RGB distance) to a packed 0xRRGGBB colour.</summary>
    public byte Map(int rgb)
    {
        rgb &= 0xFFFFFF;
        if (_nearest.TryGetValue(rgb, out byte hit)) return hit;
        int r = rgb >> 16, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        int best = 0, bestDist = int.MaxValue;
        for (int i = 0; i < _palette.Length / 3; i++)
        {
            int dr = _palette[3 * i] - r, dg = _palette[3 * i + 1] - g, db = _palette[3 * i + 2] - b;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestDist) { bestDist = d; best = i; if (d == 0) break; }
        }
        _nearest[rgb] = (byte)best;
        return (byte)best;
    }

    /// <summary>
    /// A few Lloyd (k-means) steps over the histogram starting from the median-cut palette: moves each entry to the
    /// mean of the colours nearest to it, which lowers the error median cut leaves in smooth gradients. Large
    /// histograms are subsampled (every k-th distinct colour) to bound the cost.
    /// </summary>
    static int[] Refine(Dictionary<int, int> histogram, int[] palette, int iterations)
    {
        var entries = histogram.ToArray();
        int stride = Math.Max(1, entries.Length / 60000);
        int k = palette.Length;
        var pr = new int[k]; var pg = new int[k]; var pb = new int[k];
        for (int i = 0; i < k; i++) { pr[i] = palette[i] >> 16; pg[i] = (palette[i] >> 8) & 0xFF; pb[i] = palette[i] & 0xFF; }
        var sr = new double[k]; var sg = new double[k]; var sb = new double[k]; var sw = new double[k];
        for (int it = 0; it < iterations; it++)
        {
            Array.Clear(sr); Array.Clear(sg); Array.Clear(sb); Array.Clear(sw);
            for (int e = 0; e < entries.Length; e += stride)
            {
                int c = entries[e].Key, n = entries[e].Value;
                int r = c >> 16, g = (c >> 8) & 0xFF, b = c & 0xFF;
                int best = 0, bestD = int.MaxValue;
                for (int i = 0; i < k; i++)
                {
                    int dr = pr[i] - r, dg = pg[i] - g, db = pb[i] - b;
                    int d = dr * dr + dg * dg + db * db;
                    if (d < bestD) { bestD = d; best = i; }
                }
                sr[best] += r * (double)n; sg[best] += g * (double)n; sb[best] += b * (double)n; sw[best] += n;
            }
            for (int i = 0; i < k; i++)
                if (sw[i] > 0)
                {
                    pr[i] = (int)Math.Round(sr[i] / sw[i]); pg[i] = (int)Math.Round(sg[i] / sw[i]); pb[i] = (int)Math.Round(sb[i] / sw[i]);
                }
        }
        return Enumerable.Range(0, k).Select(i => pr[i] << 16 | pg[i] << 8 | pb[i]).Distinct().ToArray();
    }

    sealed class Box(List<(int Colour, int Count)> items)
    {
        public readonly List<(int Colour, int Count)> Items = items;
        public int Axis, Range;
        public long Weight;

        public void Measure()
        {
            Span<int> lo = [255, 255, 255], hi = [0, 0, 0];
            Weight = 0;
            foreach (var (c, n) in Items)
            {
                for (int a = 0; a < 3; a++)
                {
                    int v = (c >> (16 - 8 * a)) & 0xFF;
                    if (v < lo[a]) lo[a] = v;
                    if (v > hi[a]) hi[a] = v;
                }
                Weight += n;
            }
            Axis = 0; Range = -1;
            for (int a = 0; a < 3; a++)
                if (hi[a] - lo[a] > Range) { Range = hi[a] - lo[a]; Axis = a; }
        }
    }

    static IEnumerable<int> MedianCut(Dictionary<int, int> histogram, int target)
    {
        var first = new Box(histogram.Select(kv => (kv.Key, kv.Value)).ToList());
        first.Measure();
        var boxes = new List<Box> { first };
        while (boxes.Count < target)
        {
            // Split the box whose colours are spread widest, weighted by how many pixels it covers.
            Box? pick = null;
            double bestScore = 0;
            foreach (var b in boxes)
            {
                if (b.Items.Count < 2 || b.Range == 0) continue;
                double score = b.Range * Math.Sqrt(b.Weight);
                if (score > bestScore) { bestScore = score; pick = b; }
            }
            if (pick is null) break;
            int shift = 16 - 8 * pick.Axis;
            pick.Items.Sort((x, y) => ((x.Colour >> shift) & 0xFF).CompareTo((y.Colour >> shift) & 0xFF));
            long half = pick.Weight / 2, acc = 0;
            int cut = 1;
            for (int i = 0; i < pick.Items.Count - 1; i++)
            {
                acc += pick.Items[i].Count;
                cut = i + 1;
                if (acc >= half) break;
            }
            var right = new Box(pick.Items.GetRange(cut, pick.Items.Count - cut));
            pick.Items.RemoveRange(cut, pick.Items.Count - cut);
            pick.Measure(); right.Measure();
            boxes.Add(right);
        }
        foreach (var b in boxes)
        {
            double r = 0, g = 0, bl = 0;
            foreach (var (c, n) in b.Items) { r += (c >> 16) * (double)n; g += ((c >> 8) & 0xFF) * (double)n; bl += (c & 0xFF) * (double)n; }
            yield return ((int)Math.Round(r / b.Weight) << 16) | ((int)Math.Round(g / b.Weight) << 8) | (int)Math.Round(bl / b.Weight);
        }
    }
}
