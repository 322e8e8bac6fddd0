namespace Recur.Nn;

public static partial class Functional
{
    /// <summary>
    /// Zeroes each element with probability p and scales the rest by 1/(1−p) (inverted dropout), in training only.
    /// The mask comes from <paramref name="rng"/> (default: <see cref="Generator.Default"/>), so a seed reproduces it.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Generator? rng = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability has to be between 0 and 1, but got {p}");
        if (!training || p == 0) return x;
        rng ??= Generator.Default;
        float scale = p == 1 ? 0f : 1f / (1f - p);
        var mask = new float[x.Numel];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? 0f : scale;
        var y = Tensor.Zeros(x.Shape);
        System.Numerics.Tensors.TensorPrimitives.Multiply(x.ReadOnlySpan, mask, y.Span);
        return Tensor.Record(y, "NativeDropoutBackward0", new[] { x }, g =>
        {
            var gx = Autograd.GradPool.Rent(g.Length);
            System.Numerics.Tensors.TensorPrimitives.Multiply(g, mask, gx);
            x.AccumulateGrad(gx);
            Autograd.GradPool.Return(gx);
        });
    }
}
