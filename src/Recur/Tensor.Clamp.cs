using System.Numerics.Tensors;

namespace Recur;

// Clamping, as torch.clamp / clamp_min / clamp_max with Python-number bounds.
public sealed partial class Tensor
{
    /// <summary>
    /// Limits every element to [<paramref name="min"/>, <paramref name="max"/>] (either bound may be omitted; with min &gt; max
    /// every element becomes max, as PyTorch). The gradient passes where min ≤ x ≤ max — at a bound too, as PyTorch's —
    /// and is 0 elsewhere and at NaN.
    /// </summary>
    /// <exception cref="ArgumentException">Both bounds are null.</exception>
    public Tensor Clamp(float? min = null, float? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        float lo = min ?? float.NegativeInfinity, hi = max ?? float.PositiveInfinity;
        return Unary("ClampBackward1",
            (x, y) =>
            {
                x.CopyTo(y);
                if (min is not null) TensorPrimitives.Max(y, lo, y);
                if (max is not null) TensorPrimitives.Min(y, hi, y);
            },
            (x, y) => x >= lo && x <= hi ? 1f : 0f,
            lo, hi); // traced as Clamp(lo, hi), a missing bound as ±∞ (ONNX Clip accepts them)
    }

    /// <summary>max(x, <paramref name="min"/>) element-wise (PyTorch's <c>clamp_min</c>).</summary>
    public Tensor ClampMin(float min) => Clamp(min, null);

    /// <summary>min(x, <paramref name="max"/>) element-wise (PyTorch's <c>clamp_max</c>).</summary>
    public Tensor ClampMax(float max) => Clamp(null, max);
}
