namespace VideoGan.Analysis;

/// <summary>
/// A 2-D Barnes-Hut quadtree over embedding points: each cell keeps its centre of mass and point count, so the
/// repulsion of a far cell (cell width / distance &lt; theta) is computed once for all its points.
/// Nodes live in flat arrays rebuilt every iteration (building is O(n log n), cheap next to the forces); the
/// fields the force traversal reads sit in one 32-byte struct so a node is half a cache line.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb (Barnes-Hut t-SNE).</remarks>
internal sealed class QuadTree
{
    internal struct Node
    {
        public double ComX, ComY;     // centre of mass
        public double Width2;         // squared cell width
        public int Count;             // points in the cell (duplicates included)
        public int FirstChild;        // index of 4 consecutive children, -1 for a leaf
    }

    struct Geometry { public double CtrX, CtrY, Half; public int Depth, Point; }

    const int MaxDepth = 48;
    Node[] _nodes = new Node[1024];
    Geometry[] _geo = new Geometry[1024];
    int[] _next = [];   // duplicates chained from a leaf's first point
    int _used;

    internal ReadOnlySpan<Node> Nodes => _nodes.AsSpan(0, _used);

    /// <summary>Rebuilds the tree over <paramref name="y"/> (<c>[n * 2]</c>).</summary>
    public void Build(double[] y, int n)
    {
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double a = y[2 * i], b = y[2 * i + 1];
            if (!double.IsFinite(a) || !double.IsFinite(b))
                throw new InvalidOperationException($"t-SNE embedding point {i} is not finite ({a}, {b}): the optimisation diverged; lower the learning rate.");
            if (a < minX) minX = a; if (a > maxX) maxX = a;
            if (b < minY) minY = b; if (b > maxY) maxY = b;
        }
        double half = Math.Max(maxX - minX, maxY - minY) / 2;
        half = half * (1 + 1e-6) + 1e-12;
        if (_next.Length < n) _next = new int[n];
        _used = 0;
        NewNode((minX + maxX) / 2, (minY + maxY) / 2, half, 0);
        for (int i = 0; i < n; i++) Insert(i, y[2 * i], y[2 * i + 1]);
    }

    int NewNode(double cx, double cy, double half, int depth)
    {
        if (_used + 1 > _nodes.Length) { Array.Resize(ref _nodes, _nodes.Length * 2); Array.Resize(ref _geo, _nodes.Length); }
        _nodes[_used] = new Node { Width2 = 4 * half * half, FirstChild = -1 };
        _geo[_used] = new Geometry { CtrX = cx, CtrY = cy, Half = half, Depth = depth, Point = -1 };
        return _used++;
    }

    void Insert(int i, double px, double py)
    {
        int node = 0;
        _next[i] = -1;
        while (true)
        {
            if (_nodes[node].FirstChild < 0)
            {
                ref var nd = ref _nodes[node];
                if (nd.Count == 0) { nd.ComX = px; nd.ComY = py; nd.Count = 1; _geo[node].Point = i; return; }
                if ((nd.ComX == px && nd.ComY == py) || _geo[node].Depth >= MaxDepth)
                {
                    // Duplicate (or too deep): one leaf holds several points.
                    nd.ComX = (nd.ComX * nd.Count + px) / (nd.Count + 1);
                    nd.ComY = (nd.ComY * nd.Count + py) / (nd.Count + 1);
                    nd.Count++;
                    _next[i] = _next[_geo[node].Point]; _next[_geo[node].Point] = i;
                    return;
                }
                Subdivide(node);
            }
            ref var n2 = ref _nodes[node];
            n2.ComX = (n2.ComX * n2.Count + px) / (n2.Count + 1);
            n2.ComY = (n2.ComY * n2.Count + py) / (n2.Count + 1);
            n2.Count++;
            node = n2.FirstChild + Quadrant(in _geo[node], px, py);
        }
    }

    static int Quadrant(in Geometry g, double px, double py) => (px >= g.CtrX ? 1 : 0) + (py >= g.CtrY ? 2 : 0);

    void Subdivide(int node)
    {
        var g = _geo[node];
        double h = g.Half / 2;
        int first = _used;
        for (int q = 0; q < 4; q++)
            NewNode(g.CtrX + ((q & 1) != 0 ? h : -h), g.CtrY + ((q & 2) != 0 ? h : -h), h, g.Depth + 1);
        // Move the leaf's points (all at its centre of mass) into the matching child.
        var nd = _nodes[node];
        int c = first + Quadrant(in g, nd.ComX, nd.ComY);
        _nodes[c].ComX = nd.ComX; _nodes[c].ComY = nd.ComY; _nodes[c].Count = nd.Count;
        _geo[c].Point = g.Point;
        _geo[node].Point = -1;
        _nodes[node].FirstChild = first;
    }

    /// <summary>
    /// The points in depth-first (Z-curve) order: neighbouring entries are close in the plane, so processing
    /// points in this order keeps each thread's tree walks in cache.
    /// </summary>
    public void SpatialOrder(int[] order)
    {
        int pos = 0;
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int node = stack.Pop();
            if (_nodes[node].Count == 0) continue;
            int f = _nodes[node].FirstChild;
            if (f < 0)
            {
                for (int p = _geo[node].Point; p >= 0; p = _next[p]) order[pos++] = p;
                continue;
            }
            for (int t = 3; t >= 0; t--) stack.Push(f + t);
        }
        if (pos != order.Length) throw new InvalidOperationException($"Quadtree holds {pos} points, expected {order.Length}.");
    }

    /// <summary>
    /// Repulsive force on a point at (px, py): returns sum_j w_ij^2 (y_i - y_j) in (fx, fy) and sum_j w_ij,
    /// w = 1 / (1 + d^2), excluding the point itself. theta = 0 visits every leaf (exact).
    /// </summary>
    public double Repulsion(double px, double py, double theta2, Span<int> stack, out double fx, out double fy)
    {
        var nodes = _nodes;
        double sumQ = 0, ax = 0, ay = 0;
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0)
        {
            ref readonly var nd = ref nodes[stack[--sp]];
            double dx = px - nd.ComX, dy = py - nd.ComY;
            double d2 = dx * dx + dy * dy;
            int f = nd.FirstChild;
            if (f < 0 || nd.Width2 < theta2 * d2)
            {
                double c = nd.Count;
                if (d2 == 0) { if (f >= 0) goto open; c -= 1; if (c == 0) continue; } // the point itself (and exact duplicates)
                double q = 1.0 / (1.0 + d2);
                sumQ += c * q;
                double m = c * q * q;
                ax += m * dx; ay += m * dy;
                continue;
            }
        open:
            if (nodes[f].Count > 0) stack[sp++] = f;
            if (nodes[f + 1].Count > 0) stack[sp++] = f + 1;
            if (nodes[f + 2].Count > 0) stack[sp++] = f + 2;
            if (nodes[f + 3].Count > 0) stack[sp++] = f + 3;
        }
        fx = ax; fy = ay;
        return sumQ;
    }
}
