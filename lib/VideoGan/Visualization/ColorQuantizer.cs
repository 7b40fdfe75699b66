namespace VideoGan.Visualization;

/// <summary>
/// Builds one palette for a whole animation (so colours do not flicker between frames) by median cut over the
/// colour histogram of every frame, and maps pixels to their nearest palette entry.
/// </summary>
/// <remarks>Used by <see cref="Clip.ToGif"/> for RGB clips; taught in notebook 00-getting-started.</remarks>
public sealed class ColorQuantizer
{
    readonly byte[] _palette;
    readonly Dictionary<int, byte> _exact = new();
    // Nearest entry per 6-bit-per-channel cell (0 = not computed yet, else index + 1); null when the palette is exact.
    readonly byte[]? _cells;
    readonly bool[]? _cellDone;

    /// <summary>The palette as RGB triples (at most 256 entries).</summary>
    public ReadOnlySpan<byte> Palette => _palette;

    /// <summary>Number of palette entries.</summary>
    public int Count => _palette.Length / 3;

    ColorQuantizer(List<int> colours, bool exact)
    {
        _palette = new byte[colours.Count * 3];
        for (int i = 0; i < colours.Count; i++)
        {
            _palette[3 * i] = (byte)(colours[i] >> 16);
            _palette[3 * i + 1] = (byte)(colours[i] >> 8);
            _palette[3 * i + 2] = (byte)colours[i];
            _exact.TryAdd(colours[i], (byte)i);
        }
        if (!exact) { _cells = new byte[1 << 18]; _cellDone = new bool[1 << 18]; }
    }

    /// <summary>
    /// Median cut over packed 0xRRGGBB colours, refined by a few k-means steps. When the input has at most
    /// <paramref name="maxColours"/> distinct colours the palette holds them exactly (lossless). <paramref name="reserved"/>
    /// colours are always included exactly (for example a border colour) and count towards the limit.
    /// </summary>
    public static ColorQuantizer Build(ReadOnlySpan<int> rgb, int maxColours = 256, params int[] reserved)
    {
        if (maxColours < 1 || maxColours > 256) throw new ArgumentOutOfRangeException(nameof(maxColours), maxColours, "Use 1..256 colours.");
        var reservedSet = new HashSet<int>(reserved.Select(r => r & 0xFFFFFF));
        int budget = maxColours - reservedSet.Count;
        if (budget < 0) throw new ArgumentException($"{reservedSet.Count} reserved colours exceed the palette of {maxColours}.", nameof(reserved));

        // One pass: a 5-bit-per-channel histogram with exact colour sums (so box means are exact), and the distinct
        // colours as long as they still fit the budget.
        var count = new int[1 << 15];
        var sums = new long[3 << 15];
        var distinct = new HashSet<int>();
        bool fits = true;
        foreach (int px in rgb)
        {
            int c = px & 0xFFFFFF;
            if (reservedSet.Contains(c)) continue;
            int r = c >> 16, g = (c >> 8) & 0xFF, b = c & 0xFF;
            int bin = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
            count[bin]++;
            sums[3 * bin] += r; sums[3 * bin + 1] += g; sums[3 * bin + 2] += b;
            if (fits && distinct.Add(c) && distinct.Count > budget) fits = false;
        }
        if (!fits && budget < 1) throw new ArgumentException("Reserved colours leave no room for the image's colours.", nameof(reserved));

        var colours = new List<int>(reservedSet.Order());
        if (fits) colours.AddRange(distinct.Order());
        else
        {
            var bins = new List<(int Colour, int Count)>();
            for (int bin = 0; bin < count.Length; bin++)
                if (count[bin] > 0)
                {
                    double n = count[bin];
                    int r = (int)Math.Round(sums[3 * bin] / n), g = (int)Math.Round(sums[3 * bin + 1] / n), b = (int)Math.Round(sums[3 * bin + 2] / n);
                    bins.Add((r << 16 | g << 8 | b, count[bin]));
                }
            var cut = MedianCut(bins, budget).ToArray();
            colours.AddRange(Refine(bins, cut, iterations: 4).Where(c => !reservedSet.Contains(c)));
        }
        if (colours.Count == 0) colours.Add(0);
        return new ColorQuantizer(colours, fits);
    }

    /// <summary>
    /// Index of the palette entry for a packed 0xRRGGBB colour: exact when the colour is in the palette, else the
    /// entry nearest (squared RGB distance) to the centre of the colour's 6-bit-per-channel cell.
    /// </summary>
    public byte Map(int rgb)
    {
        rgb &= 0xFFFFFF;
        if (_exact.TryGetValue(rgb, out byte hit)) return hit;
        int r = rgb >> 16, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        if (_cells is null) return Nearest(r, g, b);
        int cell = (r >> 2) << 12 | (g >> 2) << 6 | (b >> 2);
        if (!_cellDone![cell])
        {
            _cells[cell] = Nearest((r & ~3) + 2, (g & ~3) + 2, (b & ~3) + 2);
            _cellDone[cell] = true;
        }
        return _cells[cell];
    }

    byte Nearest(int r, int g, int b)
    {
        int best = 0, bestDist = int.MaxValue;
        for (int i = 0; i < _palette.Length / 3; i++)
        {
            int dr = _palette[3 * i] - r, dg = _palette[3 * i + 1] - g, db = _palette[3 * i + 2] - b;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestDist) { bestDist = d; best = i; if (d == 0) break; }
        }
        return (byte)best;
    }

    /// <summary>
    /// A few Lloyd (k-means) steps over the histogram starting from the median-cut palette: moves each entry to the
    /// mean of the colours nearest to it, which lowers the error median cut leaves in smooth gradients. Large
    /// histograms are first reduced to 5-bit-per-channel bins (at most 32768 entries), which bounds the cost.
    /// </summary>
    static int[] Refine(List<(int Colour, int Count)> entries, int[] palette, int iterations)
    {
        int k = palette.Length;
        var pr = new int[k]; var pg = new int[k]; var pb = new int[k];
        for (int i = 0; i < k; i++) { pr[i] = palette[i] >> 16; pg[i] = (palette[i] >> 8) & 0xFF; pb[i] = palette[i] & 0xFF; }
        var sr = new double[k]; var sg = new double[k]; var sb = new double[k]; var sw = new double[k];
        for (int it = 0; it < iterations; it++)
        {
            Array.Clear(sr); Array.Clear(sg); Array.Clear(sb); Array.Clear(sw);
            for (int e = 0; e < entries.Count; e++)
            {
                var (c, n) = entries[e];
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

    static IEnumerable<int> MedianCut(List<(int Colour, int Count)> histogram, int target)
    {
        var first = new Box(histogram.ToList());
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
