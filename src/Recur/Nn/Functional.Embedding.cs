using System.Numerics.Tensors;
using Recur.Autograd;

namespace Recur.Nn;

public static partial class Functional
{
    /// <summary>
    /// Rows of <paramref name="weight"/> picked by <paramref name="indices"/>: [...] → [..., dim].
    /// dW[idx] += g (repeated indices accumulate); the <paramref name="paddingIdx"/> row gets no gradient.
    /// </summary>
    public static Tensor Embedding(IndexTensor indices, Tensor weight, int? paddingIdx = null)
    {
        using var trace = OpTrace.Enter();
        if (weight.Dim != 2) throw new ArgumentException($"embedding weight must be 2-D, got shape {Shapes.Format(weight.Shape)}");
        int num = weight.Size(0), dim = weight.Size(1);
        for (int i = 0; i < indices.Numel; i++)
            if ((ulong)indices.Data[i] >= (ulong)num)
                throw new IndexOutOfRangeException(
                    $"Embedding index {indices.Data[i]} at position {i} is out of range: expected 0 <= index < num_embeddings ({num})");
        var y = Tensor.Zeros(indices.Shape.Append(dim).ToArray());
        var w = weight.ReadOnlySpan;
        var ys = y.Span;
        for (int i = 0; i < indices.Numel; i++) w.Slice((int)indices.Data[i] * dim, dim).CopyTo(ys.Slice(i * dim, dim));
        trace.Done("Embedding", y, new object[] { weight, indices });
        return Tensor.Record(y, "EmbeddingBackward0", new[] { weight }, g =>
        {
            var gw = Engine.GradBuffer(weight);
            for (int i = 0; i < indices.Numel; i++)
            {
                int row = (int)indices.Data[i];
                if (row == paddingIdx) continue;
                var dst = gw.Slice(row * dim, dim);
                TensorPrimitives.Add(dst, g.AsSpan(i * dim, dim), dst);
            }
        });
    }

    /// <summary>
    /// One-hot codes: [...] → [..., numClasses] (int64, as PyTorch). <paramref name="numClasses"/> = −1 infers max + 1.
    /// </summary>
    public static IndexTensor OneHot(IndexTensor indices, int numClasses = -1)
    {
        long max = indices.Numel == 0 ? -1 : indices.Data.Max();
        if (indices.Numel > 0 && indices.Data.Min() < 0) throw new ArgumentException("Class values must be non-negative.");
        if (numClasses == -1)
        {
            if (indices.Numel == 0) throw new ArgumentException("Can not infer total number of classes from empty tensor.");
            numClasses = (int)max + 1;
        }
        else if (numClasses < -1) throw new ArgumentException($"num_classes should be -1 or positive, got {numClasses}");
        else if (max >= numClasses)
            throw new ArgumentException($"Class values must be smaller than num_classes. Expected values < {numClasses}, got {max}");
        var data = new long[indices.Numel * numClasses];
        for (int i = 0; i < indices.Numel; i++) data[i * numClasses + indices.Data[i]] = 1;
        return new IndexTensor(data, indices.Shape.Append(numClasses).ToArray());
    }
}
