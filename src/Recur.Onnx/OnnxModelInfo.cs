namespace Recur.Onnx;

/// <summary>One graph input or output as written: name, element type (<c>float32</c> / <c>int64</c>) and dimensions ("batch", "seq", sizes, or "?" when only known at run time).</summary>
/// <param name="Name">The value's name in the graph.</param>
/// <param name="ElementType">"float32", "float64" or "int64".</param>
/// <param name="Shape">One entry per dimension.</param>
public sealed record OnnxValueInfo(string Name, string ElementType, IReadOnlyList<string> Shape)
{
    /// <summary>What the value holds, for whoever feeds the file (its <c>doc_string</c>); null when not described.</summary>
    public string? Description { get; init; }

    /// <summary><c>input: float32[seq, batch, 5]</c>.</summary>
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}

/// <summary>What an export wrote: the graph's inputs and outputs, the opset and the IR version.</summary>
/// <param name="Inputs">The graph inputs in order.</param>
/// <param name="Outputs">The graph outputs in order.</param>
/// <param name="OpsetVersion">The default-domain opset the file imports.</param>
/// <param name="IrVersion">The IR version stamped in the file (8).</param>
public sealed record OnnxModelInfo(IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs, int OpsetVersion, long IrVersion);
