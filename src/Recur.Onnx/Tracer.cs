using Recur.Autograd;

namespace Recur.Onnx;

/// <summary>One recorded operation (see <see cref="IOpTracer"/>).</summary>
internal sealed record TracedOp(string Op, object[] Inputs, object[] Outputs, object[] Attributes);

/// <summary>Collects the operations of one run of a forward.</summary>
internal sealed class Tracer : IOpTracer
{
    public List<TracedOp> Ops { get; } = new();

    /// <summary>Tensors made by an operation without a trace hook, with its autograd name.</summary>
    public Dictionary<object, string> UntracedOutputs { get; } = new(ReferenceEqualityComparer.Instance);

    public void Op(string op, object[] inputs, object[] outputs, object[] attributes) => Ops.Add(new TracedOp(op, inputs, outputs, attributes));

    public void Untraced(string autogradName, Tensor output) => UntracedOutputs.TryAdd(output, autogradName);

    /// <summary>Most elements of one example input (64 MB of float32): fixed dims are feature sizes, not data.</summary>
    internal const int MaxExampleElements = 1 << 24;

    /// <summary>One traced run: example inputs for (<paramref name="batch"/>, <paramref name="seq"/>), the forward, its outputs.</summary>
    public static (Tracer Trace, object[] Inputs, IReadOnlyList<Tensor> Outputs) Run(OnnxSignature signature, int batch, int seq, long seed)
    {
        var rng = new Generator(seed);
        var inputs = new object[signature.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            var spec = signature.Inputs[i];
            var shape = spec.Shape.Select(d => d.Symbol == "batch" ? batch : d.Symbol == "seq" ? seq : d.Size).ToArray();
            // The example input is real memory: a huge fixed dim (found by fuzzing: [int.MaxValue] threw
            // OutOfMemoryException, and the old product wrapped) is refused with the shape named. Shapes.Numel never wraps.
            int count = Shapes.Numel(shape);
            if (count > MaxExampleElements)
                throw new ArgumentException(
                    $"input '{BoundedText.Quote(spec.Name)}' of shape {Shapes.Format(shape)} needs an example of {count} elements to trace, more than {MaxExampleElements}; " +
                    "give large axes as OnnxDim.Batch or OnnxDim.Seq");
            // Indices are zeros: always in range for an embedding; values don't change the traced graph.
            inputs[i] = spec.IsIndices ? new IndexTensor(new long[count], shape) : Tensor.Randn(rng, shape);
        }
        var tracer = new Tracer();
        IReadOnlyList<Tensor> outputs;
        using (GradMode.NoGrad())
        using (OpTrace.Install(tracer))
            outputs = signature.Forward(inputs);
        if (outputs.Count != signature.Outputs.Count)
            throw new ArgumentException($"the forward returned {outputs.Count} tensors but the signature names {signature.Outputs.Count} outputs");
        return (tracer, inputs, outputs);
    }
}
