namespace Recur.Nn;

public static partial class Functional
{
    /// <summary>
    /// Mean squared error. l = (x − y)²; mean divides by the element count.  dl/dx = 2(x − y)·w, dl/dy = −dl/dx.
    /// Shapes must be equal (PyTorch would broadcast with a warning; here that likely bug is an error).
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (!Shapes.Equal(input.Shape, target.Shape))
            throw new ArgumentException(
                $"MSELoss: target size {Shapes.Format(target.Shape)} is different to the input size {Shapes.Format(input.Shape)}; " +
                "PyTorch would broadcast them, which is almost always a bug. Reshape one to match the other.");
        var x = input.ReadOnlySpan;
        var t = target.ReadOnlySpan;
        int n = input.Numel;
        var diff = new float[n];
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, t, diff);
        Tensor y;
        if (reduction == Reduction.None)
        {
            y = Tensor.Zeros(input.Shape);
            System.Numerics.Tensors.TensorPrimitives.Multiply(diff, diff, y.Span);
        }
        else
        {
            double s = 0;
            foreach (float d in diff) s += d * d;
            y = Tensor.Scalar((float)(reduction == Reduction.Mean ? s / n : s));
        }
        return Tensor.Record(y, "MseLossBackward0", new[] { input, target }, g =>
        {
            var gx = new float[n];
            for (int i = 0; i < n; i++)
            {
                float gi = reduction == Reduction.None ? g[i] : reduction == Reduction.Mean ? g[0] / n : g[0];
                gx[i] = 2f * diff[i] * gi;
            }
            input.AccumulateGrad(gx);
            if (target.RequiresGrad)
            {
                System.Numerics.Tensors.TensorPrimitives.Negate(gx, gx);
                target.AccumulateGrad(gx);
            }
        });
    }

    /// <summary>
    /// Cross entropy of logits against class indices, with PyTorch's <c>ignore_index</c> and <c>label_smoothing</c>.
    /// input: [N, C], [N, C, d1, ...] or [C]; target: [N], [N, d1, ...] or 0-d.
    /// With ε = smoothing and logp = log_softmax over the class dim:
    ///   l_i = (1−ε)·(−logp[i, t_i]) + (ε/C)·Σ_c −logp[i, c];  ignored elements give 0 and leave the mean's denominator.
    ///   dl_i/dx_i = softmax − (1−ε)·onehot(t_i) − ε/C.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, IndexTensor target, int ignoreIndex = -100, Reduction reduction = Reduction.Mean,
        float labelSmoothing = 0f)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        bool unbatched = input.Dim == 1;
        if (input.Dim == 0) throw new ArgumentException("cross_entropy: input must have at least 1 dimension (the classes), got a 0-d tensor");
        int classDim = unbatched ? 0 : 1;
        int C = input.Shape[classDim];
        int N = unbatched ? 1 : input.Shape[0];
        int inner = unbatched ? 1 : Shapes.Prod(input.Shape, 2, input.Dim);
        var expectTarget = unbatched ? Array.Empty<int>() : input.Shape.Where((_, i) => i != 1).ToArray();
        if (!Shapes.Equal(target.Shape, expectTarget))
            throw new ArgumentException(
                $"Expected target size {Shapes.Format(expectTarget)}, got {Shapes.Format(target.Shape)} (input shape {Shapes.Format(input.Shape)})");
        int count = N * inner;
        for (int e = 0; e < count; e++)
        {
            long t = target.Data[e];
            if (t != ignoreIndex && (t < 0 || t >= C))
                throw new IndexOutOfRangeException($"Target {t} is out of bounds: expected 0 <= target < {C} classes (or ignore_index {ignoreIndex}), at element {e}");
        }

        var logp = Normalized(input, classDim, log: true, out _).Storage; // log_softmax over the classes
        var losses = new float[count];
        int kept = 0;
        float eps = labelSmoothing;
        for (int e = 0; e < count; e++)
        {
            long t = target.Data[e];
            if (t == ignoreIndex) continue;
            kept++;
            int b = e / inner * C * inner + e % inner;
            double all = 0;
            for (int c = 0; c < C; c++) all -= logp[b + c * inner];
            losses[e] = (float)((1 - eps) * -logp[b + (int)t * inner] + eps / C * all);
        }

        Tensor y;
        if (reduction == Reduction.None) y = Tensor.FromArray(losses, target.Shape);
        else
        {
            double s = Tensor.SumDouble(losses);
            y = Tensor.Scalar(reduction == Reduction.Sum ? (float)s : (float)(s / kept)); // all ignored ⇒ 0/0 = NaN, as PyTorch
        }
        return Tensor.Record(y, "NllLossBackward0", new[] { input }, g =>
        {
            var gx = Autograd.GradPool.Rent(input.Numel);
            for (int e = 0; e < count; e++)
            {
                long t = target.Data[e];
                if (t == ignoreIndex) continue;
                float w = reduction == Reduction.None ? g[e] : reduction == Reduction.Sum ? g[0] : g[0] / kept;
                int o = e / inner, i = e % inner, b = o * C * inner + i;
                for (int c = 0; c < C; c++)
                {
                    float d = MathF.Exp(logp[b + c * inner]) - eps / C - (c == t ? 1 - eps : 0f);
                    gx[b + c * inner] = d * w;
                }
            }
            input.AccumulateGrad(gx);
            Autograd.GradPool.Return(gx);
        });
    }
}
