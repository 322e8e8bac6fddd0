namespace Recur.IO;

/// <summary>One named float32 tensor: its shape and its values, row-major.</summary>
/// <param name="Name">Unique within a file; not <c>__metadata__</c>.</param>
/// <param name="Shape">Dimensions; empty for a 0-d (scalar) tensor, a 0 for an empty one.</param>
/// <param name="Data">Row-major values; length = product of <paramref name="Shape"/> (1 for 0-d).</param>
public sealed record NamedTensorData(string Name, int[] Shape, float[] Data);

/// <summary>What <see cref="Safetensors.Load(string)"/> read: the tensors in file order, and the string metadata.</summary>
public sealed record SafetensorsFile(IReadOnlyList<NamedTensorData> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor (the message lists those present).</exception>
    public NamedTensorData this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"no tensor '{BoundedText.Quote(name)}'; the file has: {Listing()}");

    // At most 10 names, each quoted with a bound, so a file of 100 000 tensors gives a short message.
    private string Listing() =>
        string.Join(", ", Tensors.Take(10).Select(t => BoundedText.Quote(t.Name))) + (Tensors.Count > 10 ? $", … ({Tensors.Count} tensors)" : "");
}
