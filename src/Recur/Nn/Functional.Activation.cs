namespace Recur.Nn;

public static partial class Functional
{
    /// <summary>log_softmax along <paramref name="dim"/>: y = x − max − log Σ exp(x − max).  dx = g − softmax·Σg.</summary>
    public static Tensor LogSoftmax(Tensor x, int dim)
    {
        var (outer, size, inner) = Split(x, dim);
        var y = Tensor.Zeros(x.Shape);
        var src = x.ReadOnlySpan;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                float max = float.NegativeInfinity;
                for (int k = 0; k < size; k++) max = MathF.Max(max, src[b + k * inner]);
                double sum = 0;
                for (int k = 0; k < size; k++) sum += Math.Exp(src[b + k * inner] - max);
                float lse = max + (float)Math.Log(sum);
                for (int k = 0; k < size; k++) ys[b + k * inner] = src[b + k * inner] - lse;
            }
        var yv = y.Storage;
        return Tensor.Record(y, "LogSoftmaxBackward0", new[] { x }, g =>
        {
            var gx = new float[x.Numel];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int b = o * size * inner + i;
                    double gs = 0;
                    for (int k = 0; k < size; k++) gs += g[b + k * inner];
                    for (int k = 0; k < size; k++) gx[b + k * inner] = g[b + k * inner] - MathF.Exp(yv[b + k * inner]) * (float)gs;
                }
            x.AccumulateGrad(gx);
        });
    }

    /// <summary>softmax along <paramref name="dim"/>.  dx = y·(g − Σ g·y).</summary>
    public static Tensor Softmax(Tensor x, int dim)
    {
        var (outer, size, inner) = Split(x, dim);
        var y = Tensor.Zeros(x.Shape);
        var src = x.ReadOnlySpan;
        var ys = y.Span;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                float max = float.NegativeInfinity;
                for (int k = 0; k < size; k++) max = MathF.Max(max, src[b + k * inner]);
                double sum = 0;
                for (int k = 0; k < size; k++) sum += ys[b + k * inner] = MathF.Exp(src[b + k * inner] - max);
                for (int k = 0; k < size; k++) ys[b + k * inner] = (float)(ys[b + k * inner] / sum);
            }
        var yv = y.Storage;
        return Tensor.Record(y, "SoftmaxBackward0", new[] { x }, g =>
        {
            var gx = new float[x.Numel];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int b = o * size * inner + i;
                    double dot = 0;
                    for (int k = 0; k < size; k++) dot += g[b + k * inner] * yv[b + k * inner];
                    for (int k = 0; k < size; k++) gx[b + k * inner] = yv[b + k * inner] * (g[b + k * inner] - (float)dot);
                }
            x.AccumulateGrad(gx);
        });
    }

    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Relu(Tensor x) => x.Relu();

    /// <summary>(outer, size, inner) around <paramref name="dim"/>: element (o, k, i) is at (o·size + k)·inner + i.</summary>
    private static (int Outer, int Size, int Inner) Split(Tensor x, int dim)
    {
        int d = Shapes.NormalizeDim(dim, x.Dim);
        if (x.Dim == 0) return (1, 1, 1);
        return (Shapes.Prod(x.Shape, 0, d), x.Shape[d], Shapes.Prod(x.Shape, d + 1, x.Dim));
    }
}
