namespace Recur;

/// <summary>
/// An int64 n-d array for integer data PyTorch keeps in LongTensors: class targets, embedding indices,
/// one-hot codes. No autograd (indices have no gradient).
/// </summary>
public sealed class IndexTensor
{
    /// <summary>The values, row-major.</summary>
    public long[] Data { get; }
    /// <summary>The size of each dimension.</summary>
    public int[] Shape { get; }
    /// <summary>Number of elements.</summary>
    public int Numel => Data.Length;
    /// <summary>Number of dimensions.</summary>
    public int Dim => Shape.Length;

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>; throws <see cref="ArgumentException"/> when the sizes disagree.</summary>
    public IndexTensor(long[] data, params int[] shape)
    {
        Shape = Shapes.Checked(shape);
        if (Shapes.Numel(Shape) != data.Length)
            throw new ArgumentException($"shape {Shapes.Format(Shape)} is invalid for input of size {data.Length}");
        Data = data;
    }

    /// <summary>A 1-d index tensor.</summary>
    public static IndexTensor From(params long[] values) => new(values.AsSpan().ToArray(), values.Length);

    /// <summary>A 0-d index tensor.</summary>
    public static IndexTensor Scalar(long value) => new(new[] { value });

    /// <summary>The element at row-major position <paramref name="flat"/>.</summary>
    public long this[int flat] => Data[flat];

    /// <summary>The values as float32 (e.g. one-hot codes fed to a network).</summary>
    public Tensor ToFloat() => Tensor.FromArray(Data.Select(v => (float)v).ToArray(), Shape);

    /// <summary>The values as PyTorch prints an int64 tensor: <c>tensor([ 0, 12,  3])</c> (summarised past 1000 elements).</summary>
    public override string ToString() => TensorFormat.Int64(Data, Shape);
}
