namespace Recur.Onnx;

/// <summary>
/// One dimension of an exported input: a fixed size, or the symbolic <see cref="Batch"/> / <see cref="Seq"/>
/// axis, which the file leaves free (<c>dim_param</c> "batch" / "seq") so one file serves every batch size and length.
/// </summary>
public readonly record struct OnnxDim
{
    private OnnxDim(int size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or 0 for a symbolic dimension.</summary>
    public int Size { get; }

    /// <summary>"batch" or "seq" for a symbolic dimension, else null.</summary>
    public string? Symbol { get; }

    /// <summary>The batch axis (<c>dim_param</c> "batch").</summary>
    public static OnnxDim Batch { get; } = new(0, "batch");

    /// <summary>The sequence axis (<c>dim_param</c> "seq").</summary>
    public static OnnxDim Seq { get; } = new(0, "seq");

    /// <summary>A fixed dimension of <paramref name="size"/> (positive).</summary>
    public static OnnxDim Fixed(int size) =>
        size > 0 ? new(size, null) : throw new ArgumentOutOfRangeException(nameof(size), $"a fixed ONNX dimension must be positive, got {size}");

    /// <summary>A fixed dimension: <c>new OnnxDim[] { OnnxDim.Batch, 8 }</c>.</summary>
    public static implicit operator OnnxDim(int size) => Fixed(size);

    /// <inheritdoc/>
    public override string ToString() => Symbol ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
