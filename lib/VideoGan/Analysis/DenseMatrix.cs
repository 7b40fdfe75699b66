namespace VideoGan.Analysis;

/// <summary>
/// A row-major matrix of doubles (<c>Rows x Cols</c>) used by the analysis code (t-SNE, PCA, metrics): plain arrays,
/// no torch, so it runs anywhere and is easy to feed from a tensor (<c>tensor.data&lt;float&gt;().ToArray()</c>).
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public sealed class DenseMatrix
{
    /// <summary>The values, row after row (length <c>Rows * Cols</c>).</summary>
    public double[] Data { get; }

    /// <summary>Number of rows (samples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features).</summary>
    public int Cols { get; }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a <paramref name="rows"/> x <paramref name="cols"/> matrix.</summary>
    public DenseMatrix(double[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols < 0) throw new ArgumentException($"Matrix shape ({rows}, {cols}) must be non-negative.");
        if ((long)rows * cols != data.Length)
            throw new ArgumentException($"Matrix data has {data.Length} values but shape ({rows}, {cols}) needs {(long)rows * cols}.", nameof(data));
        Data = data; Rows = rows; Cols = cols;
    }

    /// <summary>A zero matrix.</summary>
    public DenseMatrix(int rows, int cols) : this(new double[checked(rows * cols)], rows, cols) { }

    /// <summary>Element access.</summary>
    public double this[int r, int c]
    {
        get => Data[r * Cols + c];
        set => Data[r * Cols + c] = value;
    }

    /// <summary>One row as a span.</summary>
    public Span<double> Row(int r) => Data.AsSpan(r * Cols, Cols);

    /// <summary>Copies a 2-D array.</summary>
    public static DenseMatrix From(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.GetLength(0), d = x.GetLength(1);
        var m = new DenseMatrix(n, d);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) m.Data[i * d + j] = x[i, j];
        return m;
    }

    /// <summary>Copies a 2-D float array.</summary>
    public static DenseMatrix From(float[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.GetLength(0), d = x.GetLength(1);
        var m = new DenseMatrix(n, d);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) m.Data[i * d + j] = x[i, j];
        return m;
    }

    /// <summary>Copies a flat row-major float array (for example <c>tensor.data&lt;float&gt;().ToArray()</c>).</summary>
    public static DenseMatrix From(float[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        if ((long)rows * cols != data.Length)
            throw new ArgumentException($"Float data has {data.Length} values but shape ({rows}, {cols}) needs {(long)rows * cols}.", nameof(data));
        var m = new DenseMatrix(rows, cols);
        for (int i = 0; i < data.Length; i++) m.Data[i] = data[i];
        return m;
    }

    /// <summary>Copies jagged rows (all the same length).</summary>
    public static DenseMatrix From(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int n = rows.Count, d = n == 0 ? 0 : rows[0].Length;
        var m = new DenseMatrix(n, d);
        for (int i = 0; i < n; i++)
        {
            if (rows[i].Length != d) throw new ArgumentException($"Row {i} has {rows[i].Length} values, row 0 has {d}.", nameof(rows));
            rows[i].CopyTo(m.Data, i * d);
        }
        return m;
    }

    /// <summary>A copy as a 2-D array.</summary>
    public double[,] ToArray2D()
    {
        var a = new double[Rows, Cols];
        for (int i = 0; i < Rows; i++) for (int j = 0; j < Cols; j++) a[i, j] = Data[i * Cols + j];
        return a;
    }

    /// <summary>One column as a new array.</summary>
    public double[] Column(int c)
    {
        if ((uint)c >= (uint)Cols) throw new ArgumentOutOfRangeException(nameof(c), $"Column {c} outside [0, {Cols}).");
        var a = new double[Rows];
        for (int i = 0; i < Rows; i++) a[i] = Data[i * Cols + c];
        return a;
    }

    /// <summary>A deep copy.</summary>
    public DenseMatrix Clone() => new((double[])Data.Clone(), Rows, Cols);

    /// <summary>Reads a comma- or whitespace-separated text matrix (an optional non-numeric header line is skipped).</summary>
    public static DenseMatrix LoadCsv(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Matrix file '{path}' does not exist.", path);
        var rows = new List<double[]>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(line.Contains(',') ? [','] : [' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var row = new double[parts.Length];
            bool ok = true;
            for (int j = 0; j < parts.Length && ok; j++)
                ok = double.TryParse(parts[j], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out row[j]);
            if (!ok)
            {
                if (rows.Count == 0 && lineNo == 1) continue; // header
                throw new FormatException($"{path}:{lineNo}: not a row of numbers.");
            }
            rows.Add(row);
        }
        return From(rows);
    }

    /// <summary>Writes the matrix as CSV (round-trip precision), atomically.</summary>
    public void SaveCsv(string path)
    {
        VideoGan.Runtime.AtomicFile.Write(path, stream =>
        {
            using var w = new StreamWriter(stream, leaveOpen: true);
            var sb = new System.Text.StringBuilder();
            for (int i = 0; i < Rows; i++)
            {
                sb.Clear();
                for (int j = 0; j < Cols; j++)
                {
                    if (j > 0) sb.Append(',');
                    sb.Append(Data[i * Cols + j].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                }
                w.WriteLine(sb);
            }
        });
    }
}
