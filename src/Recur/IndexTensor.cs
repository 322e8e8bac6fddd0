namespace Recur;

/// <summary>
/// An int64 n-d array for integer data PyTorch keeps in LongTensors: class targets, embedding indices,
/// one-hot codes. No autograd (indices have no gradient).
/// </summary>
public sealed class IndexTensor
{
    public long[] Data { get; }
    public int[] Shape { get; }
    public int Numel => Data.Length;
    public int Dim => Shape.Length;

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

    public long this[int flat] => Data[flat];

    /// <summary>The values as float32 (e.g. one-hot codes fed to a network).</summary>
    public Tensor ToFloat() => Tensor.FromArray(Data.Select(v => (float)v).ToArray(), Shape);

    /// <summary>The values as PyTorch prints an int64 tensor: <c>tensor([ 0, 12,  3])</c> (summarised past 1000 elements).</summary>
    public override string ToString() => TensorFormat.Int64(Data, Shape);
}
