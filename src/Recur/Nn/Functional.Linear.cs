using System.Numerics.Tensors;
using Recur.Autograd;
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>Stateless operations, as <c>torch.nn.functional</c> (alias it: <c>using F = Recur.Nn.Functional;</c>).</summary>
public static partial class Functional
{
    /// <summary>
    /// y = x·Wᵀ + b.   x: [..., in], weight: [out, in], bias: [out] → [..., out]
    /// dx = dy·W,  dW = dyᵀ·x,  db = Σ_rows dy
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        using var trace = OpTrace.Enter();
        int outF = weight.Size(0), inF = weight.Size(1);
        if (x.Dim == 0 || x.Size(-1) != inF)
            throw new ArgumentException(
                $"mat1 and mat2 shapes cannot be multiplied ({(x.Dim == 0 ? 1 : x.Numel / Math.Max(x.Size(-1), 1))}x{(x.Dim == 0 ? 0 : x.Size(-1))} and {inF}x{outF})");
        int rows = x.Numel / Math.Max(inF, 1);
        if (inF == 0) rows = Shapes.Prod(x.Shape, 0, x.Dim - 1);
        var outShape = x.Shape[..^1].Append(outF).ToArray();
        var y = new Tensor(outShape);
        var ys = y.Storage.AsSpan();
        if (bias != null)
            for (int r = 0; r < rows; r++) bias.ReadOnlySpan.CopyTo(ys.Slice(r * outF, outF));
        Gemm.Sgemm(false, true, rows, outF, inF, 1f, x.ReadOnlySpan, inF, weight.ReadOnlySpan, inF, bias is null ? 0f : 1f, ys, outF);
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        trace.Done("Linear", y, inputs);
        return Tensor.Record(y, "AddmmBackward0", inputs, g =>
        {
            if (x.RequiresGrad)
            {
                // dX += g·W, straight into x's gradient (the same sums as a separate product added after it)
                Gemm.Sgemm(false, false, rows, inF, outF, 1f, g, outF, weight.ReadOnlySpan, inF, 1f, Engine.GradBuffer(x), inF);
            }
            if (weight.RequiresGrad)
                Gemm.Sgemm(true, false, outF, inF, rows, 1f, g, outF, x.ReadOnlySpan, inF, 1f, Engine.GradBuffer(weight), inF);
            if (bias is { RequiresGrad: true })
            {
                var gb = Engine.GradBuffer(bias);
                for (int r = 0; r < rows; r++) TensorPrimitives.Add(gb, g.AsSpan(r * outF, outF), gb);
            }
        });
    }
}
