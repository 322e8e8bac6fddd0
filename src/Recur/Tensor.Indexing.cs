namespace Recur;

// Index-driven reads and writes along one dimension: gather and scatter_add, each the other's backward.
public sealed partial class Tensor
{
    /// <summary>
    /// out[i][j][k] = this[index[i][j][k]][j][k] for <paramref name="dim"/> = 0 (and likewise for other dims), as
    /// <c>torch.gather</c>. The result has <paramref name="index"/>'s shape; the gradient is scatter-added back
    /// (repeated indices accumulate).
    /// </summary>
    /// <exception cref="ArgumentException">Ranks differ, index is larger than this tensor outside <paramref name="dim"/>, or an index is out of bounds.</exception>
    public Tensor Gather(int dim, IndexTensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Shapes.NormalizeDim(dim, Dim);
        if (index.Dim != Math.Max(Dim, 1) && !(Dim == 0 && index.Dim == 0))
            throw new ArgumentException("Index tensor must have the same number of dimensions as input tensor");
        for (int i = 0; i < index.Dim; i++)
            if (i != d && index.Shape[i] > SizeOr1(i))
                throw new ArgumentException(
                    $"Size does not match at dimension {i} expected index {Shapes.Format(index.Shape)} to be smaller than self {Shapes.Format(_shape)} apart from dimension {d}");
        var map = IndexMap(index, d, _shape); // map[j] = flat position in this tensor of output element j
        var result = new Tensor(index.Shape.AsSpan().ToArray());
        var src = ReadOnlySpan;
        for (int j = 0; j < map.Length; j++) result.Storage[j] = src[map[j]];
        using (var trace = Autograd.OpTrace.Enter()) trace.Done("Gather", result, new object[] { this, index }, d);
        return Record(result, "GatherBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int j = 0; j < map.Length; j++) gi[map[j]] += g[j];
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        });
    }

    /// <summary>
    /// A copy of this tensor with out[index[i][j]][j] += src[i][j] for <paramref name="dim"/> = 0 (and likewise for other
    /// dims), as <c>torch.scatter_add</c>. Gradients: this tensor gets the output gradient unchanged, <paramref name="src"/>
    /// gets it gathered at <paramref name="index"/> (0 where src is not read).
    /// </summary>
    /// <exception cref="ArgumentException">Ranks differ, index is larger than src (or than this tensor outside <paramref name="dim"/>), or an index is out of bounds.</exception>
    public Tensor ScatterAdd(int dim, IndexTensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        int d = Shapes.NormalizeDim(dim, Dim);
        if (index.Dim != Dim || src.Dim != Dim)
            throw new ArgumentException("Index tensor must have the same number of dimensions as self tensor");
        for (int i = 0; i < Dim; i++)
            if (index.Shape[i] > src.Shape[i] || i != d && index.Shape[i] > _shape[i])
                throw new ArgumentException(
                    $"Expected index {Shapes.Format(index.Shape)} to be smaller than self {Shapes.Format(_shape)} apart from dimension {d} and to be smaller size than src {Shapes.Format(src.Shape)}");
        var map = IndexMap(index, d, _shape);
        var srcPos = Positions(index.Shape, src.Shape); // where index element j sits in src
        var result = new Tensor(_shape.AsSpan().ToArray());
        ReadOnlySpan.CopyTo(result.Storage);
        var s = src.ReadOnlySpan;
        for (int j = 0; j < map.Length; j++) result.Storage[map[j]] += s[srcPos[j]];
        return Record(result, "ScatterAddBackward0", new[] { this, src }, g =>
        {
            AccumulateGrad(g);
            if (src.RequiresGrad)
            {
                var gs = Autograd.GradPool.Rent(src.Numel);
                for (int j = 0; j < map.Length; j++) gs[srcPos[j]] = g[map[j]];
                src.AccumulateGrad(gs);
                Autograd.GradPool.Return(gs);
            }
        });
    }

    private int SizeOr1(int i) => Dim == 0 ? 1 : _shape[i];

    /// <summary>
    /// For every element of <paramref name="index"/> (row-major), the flat position in a tensor of shape
    /// <paramref name="target"/> at the same coordinates except along <paramref name="d"/>, where the index value is used.
    /// </summary>
    private static int[] IndexMap(IndexTensor index, int d, int[] target)
    {
        int rank = index.Dim;
        var strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) { strides[i] = s; s *= i < target.Length ? target[i] : 1; }
        int size = target.Length == 0 ? 1 : target[d];
        var map = new int[index.Numel];
        var coord = new int[rank];
        for (int j = 0; j < map.Length; j++)
        {
            long v = index.Data[j];
            if (v < 0 || v >= size)
                throw new ArgumentException($"index {v} is out of bounds for dimension {d} with size {size}");
            int flat = 0;
            for (int i = 0; i < rank; i++) flat += (i == d ? (int)v : coord[i]) * strides[i];
            map[j] = flat;
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++coord[i] < index.Shape[i]) break;
                coord[i] = 0;
            }
        }
        return map;
    }

    /// <summary>Flat positions in a tensor of shape <paramref name="outer"/> of every coordinate of the (smaller) shape <paramref name="inner"/>.</summary>
    private static int[] Positions(int[] inner, int[] outer)
    {
        int rank = inner.Length, n = Shapes.Numel(inner);
        var strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) { strides[i] = s; s *= outer[i]; }
        var pos = new int[n];
        var coord = new int[rank];
        for (int j = 0; j < n; j++)
        {
            int flat = 0;
            for (int i = 0; i < rank; i++) flat += coord[i] * strides[i];
            pos[j] = flat;
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++coord[i] < inner[i]) break;
                coord[i] = 0;
            }
        }
        return pos;
    }
}
