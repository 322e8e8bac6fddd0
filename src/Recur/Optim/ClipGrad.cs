namespace Recur.Optim;

/// <summary>Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> (the seed's cure for exploding gradients).</summary>
public static class ClipGrad
{
    /// <summary>
    /// Scales every gradient by min(1, max_norm / (total + 1e−6)) where total = ‖(‖g_1‖_p, …, ‖g_n‖_p)‖_p is the p-norm
    /// of all gradients as one vector (p = ∞: max |g|). Returns total, the norm before clipping.
    /// Parameters without a gradient are ignored; with none at all the norm is 0.
    /// </summary>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, float maxNorm, float normType = 2f, bool errorIfNonfinite = false)
    {
        var grads = parameters.Where(p => p.Grad != null).Select(p => p.Grad!).ToList();
        if (grads.Count == 0) return 0f;
        float total;
        if (float.IsPositiveInfinity(normType))
        {
            total = 0f;
            foreach (var g in grads)
                foreach (float v in g.Span) total = float.IsNaN(v) || float.IsNaN(total) ? float.NaN : MathF.Max(total, MathF.Abs(v));
        }
        else
        {
            if (normType <= 0) throw new ArgumentException($"norm_type must be positive or infinity, got {normType}");
            double acc = 0;
            foreach (var g in grads) acc += Math.Pow(PNorm(g.Span, normType), normType);
            total = (float)Math.Pow(acc, 1.0 / normType);
        }
        if (errorIfNonfinite && !float.IsFinite(total))
            throw new InvalidOperationException(
                $"The total norm of order {normType} for gradients from `parameters` is non-finite ({total}), so it cannot be clipped. " +
                "To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`");
        float coef = MathF.Min(maxNorm / (total + 1e-6f), 1f);
        foreach (var g in grads)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(g.Span, coef, g.Span);
            g.MarkModified();
        }
        return total;
    }

    /// <summary>The seed's form: clip one tensor's gradient.</summary>
    public static float ClipGradNorm(Tensor parameter, float maxNorm, float normType = 2f, bool errorIfNonfinite = false) =>
        ClipGradNorm(new[] { parameter }, maxNorm, normType, errorIfNonfinite);

    /// <summary>Clamps every gradient element to [−clip_value, clip_value] in place.</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, float clipValue)
    {
        foreach (var p in parameters)
        {
            if (p.Grad is null) continue;
            var g = p.Grad.Span;
            System.Numerics.Tensors.TensorPrimitives.Max(g, -clipValue, g);
            System.Numerics.Tensors.TensorPrimitives.Min(g, clipValue, g);
            p.Grad.MarkModified();
        }
    }

    /// <summary>Clamps one parameter's gradient elements to [−clipValue, clipValue].</summary>
    public static void ClipGradValue(Tensor parameter, float clipValue) => ClipGradValue(new[] { parameter }, clipValue);

    /// <summary>The p-norm of one tensor, rounded to float32 as PyTorch's per-tensor norm is.</summary>
    internal static float PNorm(ReadOnlySpan<float> g, float p)
    {
        double acc = 0;
        if (p == 2f) foreach (float v in g) acc += (double)v * v;
        else if (p == 1f) foreach (float v in g) acc += Math.Abs(v);
        else foreach (float v in g) acc += Math.Pow(Math.Abs(v), p);
        return (float)(p == 2f ? Math.Sqrt(acc) : p == 1f ? acc : Math.Pow(acc, 1.0 / p));
    }
}
