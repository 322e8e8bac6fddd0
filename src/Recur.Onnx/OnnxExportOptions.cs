namespace Recur.Onnx;

/// <summary>Settings of <see cref="OnnxExport"/>.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The ONNX opset (default 17, the newest that IR version 8 and <c>onnx</c> 1.12's checker accept; 13–17 allowed).</summary>
    public int OpsetVersion { get; init; } = 17;

    /// <summary>
    /// The shape of the single input of a one-input module (<c>Linear</c>, <c>Embedding</c>, <c>Dropout</c>, a traced module),
    /// e.g. <c>new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq, 8 }</c>. Null picks the module's default
    /// (<c>[batch, in_features]</c> for Linear, <c>[batch, seq]</c> for Embedding); a module without one needs it.
    /// </summary>
    public IReadOnlyList<OnnxDim>? InputShape { get; init; }

    /// <summary>The <c>doc_string</c> stored in the model (optional).</summary>
    public string? DocString { get; init; }

    /// <summary>Name → value pairs stored as the model's <c>metadata_props</c> (optional).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
