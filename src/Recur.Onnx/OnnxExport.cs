using System.Reflection;
using Google.Protobuf;
using Recur.Nn;
using Module = Recur.Nn.Module;

namespace Recur.Onnx;

/// <summary>
/// Writes a Recur model as an ONNX file (IR version 8, opset 17 by default) that ONNX Runtime 1.14+ runs and
/// <c>onnx.checker</c> accepts. The batch and sequence axes stay symbolic (<c>batch</c>, <c>seq</c>), so one file serves
/// every batch size and length. The model is exported in eval mode (dropout off); its training flag is restored after.
/// <code>
/// var lstm = new Lstm(4, 8, numLayers: 2, bidirectional: true);
/// OnnxExport.Save(lstm, "lstm.onnx");   // inputs input, h0, c0 → outputs output, h_n, c_n
/// </code>
/// </summary>
/// <remarks>
/// Every export traces: the forward runs twice on example inputs of two different sizes and the operations it
/// performs are recorded, so a user's own module whose forward uses supported tensor operations exports as well
/// (docs/ONNX.md lists them). An unsupported operation is a <see cref="NotSupportedException"/> naming it.
/// </remarks>
public static class OnnxExport
{
    /// <summary>Exports <paramref name="model"/> with its default inputs and outputs (see <see cref="DefaultSignature"/>) to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The model has no default signature and no <see cref="OnnxExportOptions.InputShape"/> was given, or the opset is outside 13–17.</exception>
    /// <exception cref="NotSupportedException">The forward uses an operation ONNX export can't express (the message names it).</exception>
    public static OnnxModelInfo Save(Module model, string path, OnnxExportOptions? options = null) =>
        Save(model, DefaultSignature(model, options), path, options);

    /// <summary>Exports <paramref name="model"/> by tracing <paramref name="signature"/>'s forward to <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">The forward uses an operation ONNX export can't express.</exception>
    /// <exception cref="InvalidOperationException">The forward computes different operations for different input sizes or values.</exception>
    public static OnnxModelInfo Save(Module model, OnnxSignature signature, string path, OnnxExportOptions? options = null)
    {
        var bytes = ToBytes(model, signature, out var info, options);
        Recur.IO.AtomicFile.WriteAllBytes(path, bytes); // never a half-written model, see docs/SAVING.md
        return info;
    }

    /// <summary>The serialized ONNX model of <paramref name="model"/> with its default signature.</summary>
    public static byte[] ToBytes(Module model, OnnxExportOptions? options = null) =>
        ToBytes(model, DefaultSignature(model, options), out _, options);

    /// <summary>The serialized ONNX model traced through <paramref name="signature"/>, and what its inputs and outputs are.</summary>
    public static byte[] ToBytes(Module model, OnnxSignature signature, out OnnxModelInfo info, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(signature);
        options ??= new OnnxExportOptions();
        if (options.OpsetVersion is < 13 or > 17)
            throw new ArgumentException($"OpsetVersion must be 13–17 (IR version 8), got {options.OpsetVersion}", nameof(options));
        CheckNames(signature);
        bool training = model.Training;
        model.Eval();
        try
        {
            var proto = new GraphEmitter(model, signature).Build(options, out info);
            return proto.ToByteArray();
        }
        finally
        {
            model.Train(training);
        }
    }

    private static void CheckNames(OnnxSignature signature)
    {
        var names = signature.Inputs.Select(i => i.Name).Concat(signature.Outputs).ToList();
        foreach (var n in names)
            if (string.IsNullOrWhiteSpace(n)) throw new ArgumentException("ONNX input and output names must be non-empty");
        var dup = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (dup != null) throw new ArgumentException($"the ONNX input/output name '{Truncate(dup.Key)}' is used twice");
        foreach (var input in signature.Inputs)
            if (input.Shape.Count(d => d.Symbol == "batch") > 1 || input.Shape.Count(d => d.Symbol == "seq") > 1)
                throw new ArgumentException($"input '{Truncate(input.Name)}' names the batch or seq axis twice");
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>
    /// The inputs and outputs a module exports with on its own, as PyTorch names them:
    /// <list type="bullet">
    /// <item><c>Rnn</c>/<c>Gru</c>: <c>input</c> [seq, batch, input_size] ([batch, seq, …] if batch_first), <c>h0</c> [layers·D, batch, H_out] → <c>output</c>, <c>h_n</c>;</item>
    /// <item><c>Lstm</c>: also <c>c0</c> [layers·D, batch, hidden] → <c>c_n</c>;</item>
    /// <item><c>Linear</c>: <c>input</c> [batch, in_features] → <c>output</c>; <c>Embedding</c>: int64 <c>input</c> [batch, seq] → <c>output</c>;
    /// a <c>Sequential</c> that starts with a Linear: like that Linear;</item>
    /// <item>any other module with a public <c>Forward(Tensor)</c> or <c>Forward(IndexTensor)</c> returning a Tensor: <c>input</c> → <c>output</c>, with <see cref="OnnxExportOptions.InputShape"/> required.</item>
    /// </list>
    /// <see cref="OnnxExportOptions.InputShape"/> overrides the one-input defaults (e.g. <c>[batch, seq, in]</c> for a Linear).
    /// </summary>
    public static OnnxSignature DefaultSignature(Module model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shape = options?.InputShape;
        switch (model)
        {
            case RnnBase rnn:
            {
                OnnxDim[] x = rnn.BatchFirst
                    ? new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq, rnn.InputSize }
                    : new OnnxDim[] { OnnxDim.Seq, OnnxDim.Batch, rnn.InputSize };
                int rows = rnn.NumLayers * rnn.NumDirections;
                var h = new OnnxInput("h0", new OnnxDim[] { rows, OnnxDim.Batch, rnn.OutputHiddenSize });
                if (rnn is Lstm lstm)
                    return new OnnxSignature(
                        new[] { new OnnxInput("input", x), h, new OnnxInput("c0", new OnnxDim[] { rows, OnnxDim.Batch, rnn.HiddenSize }) },
                        new[] { "output", "h_n", "c_n" },
                        v =>
                        {
                            var (o, (hn, cn)) = lstm.Forward((Tensor)v[0], ((Tensor)v[1], (Tensor)v[2]));
                            return new[] { o, hn, cn };
                        });
                var hidden = (HiddenStateRnn)rnn;
                return new OnnxSignature(new[] { new OnnxInput("input", x), h }, new[] { "output", "h_n" }, v =>
                {
                    var (o, hn) = hidden.Forward((Tensor)v[0], (Tensor)v[1]);
                    return new[] { o, hn };
                });
            }
            case Linear linear:
                return OneInput(shape ?? new OnnxDim[] { OnnxDim.Batch, linear.InFeatures }, false, v => linear.Forward((Tensor)v));
            case Embedding embedding:
                return OneInput(shape ?? new OnnxDim[] { OnnxDim.Batch, OnnxDim.Seq }, true, v => embedding.Forward((IndexTensor)v));
            case Sequential seq when shape is null && seq.Count > 0 && seq[0] is Linear first:
                return OneInput(new OnnxDim[] { OnnxDim.Batch, first.InFeatures }, false, v => seq.Forward((Tensor)v));
        }
        var forward = model.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == "Forward" && m.ReturnType == typeof(Tensor) && m.GetParameters().Length == 1)
            .FirstOrDefault(m => m.GetParameters()[0].ParameterType == typeof(Tensor) || m.GetParameters()[0].ParameterType == typeof(IndexTensor))
            ?? throw new ArgumentException(
                $"{model.GetType().Name} has no public Forward(Tensor) or Forward(IndexTensor) returning a Tensor; export it with an OnnxSignature");
        if (shape is null)
            throw new ArgumentException($"exporting {model.GetType().Name} needs OnnxExportOptions.InputShape, e.g. new OnnxDim[] {{ OnnxDim.Batch, 8 }}");
        bool indices = forward.GetParameters()[0].ParameterType == typeof(IndexTensor);
        return OneInput(shape, indices, v =>
        {
            try
            {
                return (Tensor)forward.Invoke(model, new[] { v })!;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        });
    }

    private static OnnxSignature OneInput(IReadOnlyList<OnnxDim> shape, bool indices, Func<object, Tensor> forward) =>
        new(new[] { new OnnxInput("input", shape, indices) }, new[] { "output" }, v => new[] { forward(v[0]) });
}
