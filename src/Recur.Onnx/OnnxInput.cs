namespace Recur.Onnx;

/// <summary>One input of an exported graph: its name, its shape and whether it holds int64 indices (for an <c>Embedding</c>).</summary>
/// <param name="Name">The graph input's name (<c>input</c>, <c>h0</c>…).</param>
/// <param name="Shape">Its dimensions, with <see cref="OnnxDim.Batch"/> / <see cref="OnnxDim.Seq"/> for the free axes.</param>
/// <param name="IsIndices">True for an int64 input the forward reads as an <see cref="IndexTensor"/>; false for float32.</param>
public sealed record OnnxInput(string Name, IReadOnlyList<OnnxDim> Shape, bool IsIndices = false);
