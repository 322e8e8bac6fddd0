namespace Recur;

// Positions of extremes: argmax / argmin / topk. NaN counts as larger than every number (PyTorch's rule),
// and ties go to the first position.
public sealed partial class Tensor
{
    /// <summary>Index of the largest element of the flattened tensor (0-d), as <c>torch.argmax(x)</c>.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public IndexTensor Argmax() => ArgExtreme("argmax", null, false, largest: true);

    /// <summary>Indices of the largest elements along <paramref name="dim"/>; with <paramref name="keepDim"/> that dim stays with size 1.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The reduced dimension is empty.</exception>
    public IndexTensor Argmax(int dim, bool keepDim = false) => ArgExtreme("argmax", dim, keepDim, largest: true);

    /// <summary>Index of the smallest element of the flattened tensor (0-d), as <c>torch.argmin(x)</c>.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public IndexTensor Argmin() => ArgExtreme("argmin", null, false, largest: false);

    /// <summary>Indices of the smallest elements along <paramref name="dim"/>; with <paramref name="keepDim"/> that dim stays with size 1.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The reduced dimension is empty.</exception>
    public IndexTensor Argmin(int dim, bool keepDim = false) => ArgExtreme("argmin", dim, keepDim, largest: false);

    /// <summary>True when <paramref name="a"/> ranks above <paramref name="b"/> in a largest-first order (NaN above every number).</summary>
    private static bool Above(float a, float b) => float.IsNaN(a) ? !float.IsNaN(b) : a > b;

    /// <summary>True when <paramref name="a"/> ranks above <paramref name="b"/> in a smallest-first order (NaN still wins: PyTorch's argmin picks it).</summary>
    private static bool Below(float a, float b) => float.IsNaN(a) ? !float.IsNaN(b) : !float.IsNaN(b) && a < b;

    private IndexTensor ArgExtreme(string op, int? dim, bool keepDim, bool largest)
    {
        if (dim is null)
        {
            if (Numel == 0) throw new ArgumentException($"{op}(): Expected reduction dim to be specified for input.numel() == 0.");
            return new IndexTensor(new long[] { BestOf(ReadOnlySpan, 0, 1, Numel, largest) });
        }
        int d = Shapes.NormalizeDim(dim.Value, Dim);
        var (outer, size, inner) = Split(d);
        if (size == 0) throw new ArgumentException($"{op}(): Expected reduction dim {d} to have non-zero size.");
        var result = new long[outer * inner];
        var src = ReadOnlySpan;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                result[o * inner + i] = BestOf(src, o * size * inner + i, inner, size, largest);
        return new IndexTensor(result, ReducedShape(d, keepDim));
    }

    /// <summary>Position (0..count−1) of the first extreme among src[start + k·stride].</summary>
    private static int BestOf(ReadOnlySpan<float> src, int start, int stride, int count, bool largest)
    {
        int best = 0;
        float bv = src[start];
        for (int k = 1; k < count; k++)
        {
            float v = src[start + k * stride];
            if (largest ? Above(v, bv) : Below(v, bv))
            {
                best = k;
                bv = v;
            }
        }
        return best;
    }

    /// <summary>
    /// The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/> and their indices, as
    /// <c>torch.topk</c>. Values carry a gradient (scattered back to the chosen positions). Results are always in sorted
    /// order (largest first, or smallest first); PyTorch leaves the order unspecified when <paramref name="sorted"/> is false.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="k"/> is negative or larger than the dimension.</exception>
    /// <exception cref="IndexOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    public (Tensor Values, IndexTensor Indices) TopK(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        _ = sorted; // sorted output satisfies both settings
        int d = Shapes.NormalizeDim(dim, Dim);
        var (outer, size, inner) = Split(d);
        if (k < 0 || k > (Dim == 0 ? 1 : size)) throw new ArgumentException("selected index k out of range");
        var outShape = _shape.AsSpan().ToArray();
        if (Dim > 0) outShape[d] = k;
        var values = new Tensor(outShape);
        var indices = new long[values.Numel];
        var src = ReadOnlySpan;
        var order = new int[size];
        float[] st = Storage;
        int off = Offset;
        // Largest first with NaN on top (smallest first with NaN last), ties by position: a total order, so the result is deterministic.
        Comparison<int> cmp = (a, b) =>
        {
            float va = st[off + a], vb = st[off + b];
            if (largest ? Above(va, vb) : Above(vb, va)) return -1;
            if (largest ? Above(vb, va) : Above(va, vb)) return 1;
            return a.CompareTo(b);
        };
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseAt = o * size * inner + i;
                for (int j = 0; j < size; j++) order[j] = baseAt + j * inner;
                Array.Sort(order, cmp);
                for (int j = 0; j < k; j++)
                {
                    int at = (o * k + j) * inner + i;
                    values.Storage[at] = src[order[j]];
                    indices[at] = (order[j] - baseAt) / inner;
                }
            }
        var idx = new IndexTensor(indices, outShape);
        Record(values, "TopkBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < k; j++)
                    for (int i = 0; i < inner; i++)
                    {
                        int at = (o * k + j) * inner + i;
                        gi[(o * size + (int)indices[at]) * inner + i] += g[at];
                    }
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        });
        return (values, idx);
    }

    /// <summary>(product of dims before d, size of d, product after d); a 0-d tensor is (1, 1, 1).</summary>
    private (int Outer, int Size, int Inner) Split(int d) =>
        Dim == 0 ? (1, 1, 1) : (Shapes.Prod(_shape, 0, d), _shape[d], Shapes.Prod(_shape, d + 1, Dim));

    /// <summary>The shape with dim <paramref name="d"/> removed, or kept as 1.</summary>
    private int[] ReducedShape(int d, bool keepDim)
    {
        if (Dim == 0) return Array.Empty<int>();
        return keepDim ? _shape.Select((s, i) => i == d ? 1 : s).ToArray() : _shape.Where((_, i) => i != d).ToArray();
    }
}
