namespace Recur;

// Running sums along one dimension.
public sealed partial class Tensor
{
    /// <summary>
    /// out[..., j, ...] = Σ_{k ≤ j} x[..., k, ...] along <paramref name="dim"/>, as <c>torch.cumsum</c>; the running sum is
    /// kept in double (PyTorch's CPU accumulator). Gradient: the reversed running sum of the output gradient.
    /// </summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    public Tensor Cumsum(int dim)
    {
        int d = Shapes.NormalizeDim(dim, Dim);
        var (outer, size, inner) = Split(d);
        var result = new Tensor(_shape.AsSpan().ToArray());
        RunningSum(ReadOnlySpan, result.Storage, outer, size, inner, reverse: false);
        using (var trace = Autograd.OpTrace.Enter()) trace.Done("Cumsum", result, new object[] { this }, d);
        return Record(result, "CumsumBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            RunningSum(g, gi, outer, size, inner, reverse: true);
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        }, savesTensors: false);
    }

    // x, y: [outer, size, inner]; y[o, j, i] = Σ x[o, k, i] over k ≤ j (k ≥ j when reverse)
    private static void RunningSum(ReadOnlySpan<float> x, Span<float> y, int outer, int size, int inner, bool reverse)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double acc = 0;
                for (int t = 0; t < size; t++)
                {
                    int j = reverse ? size - 1 - t : t;
                    int at = (o * size + j) * inner + i;
                    acc += x[at];
                    y[at] = (float)acc;
                }
            }
    }
}
