using CsCheck;
using Recur.Nn;
using Recur.Tests.Fuzz;
using Xunit.Abstractions;

namespace Recur.Onnx.Tests;

/// <summary>
/// Fuzz target: the ONNX exporter's inputs. Random recurrent modules (every cell, sizes 1–8, 1–3 layers, bias,
/// batch_first, bidirectional, proj_size), Linear and Embedding, with hostile options: opsets inside and outside
/// 13–17, input shapes of any rank with symbolic, small and huge dims (a zero dim cannot be built: OnnxDim refuses it), doc strings and metadata holding lone
/// surrogates, NUL and 5 000 characters. Property: the export either gives a model that ONNX Runtime loads (and, for
/// recurrent modules, runs to Recur's own results within 1e-5), or raises one of the documented exceptions
/// (<see cref="ArgumentException"/>, <see cref="NotSupportedException"/>, <see cref="InvalidOperationException"/>) with
/// a one-line message of at most 600 characters; never another exception or a hang.
/// </summary>
[Trait("Category", "Fuzz")]
public class OnnxExportFuzz(ITestOutputHelper output)
{
    private static readonly string?[] Texts = [null, "", "doc", "\ud800", "a\0b", new string('x', 5000), "line\nbreak", "\U0001F600"];
    private static readonly int[] Opsets = [17, 13, 15, 16, 12, 18, 0, -1, 99];
    private static readonly OnnxDim[] Dims = [OnnxDim.Batch, OnnxDim.Seq, 1, 3, 5, 2, int.MaxValue];

    private sealed record Input(int Kind, int In, int Hidden, int Layers, bool Bias, bool BatchFirst, bool Bi, int Proj,
        int Opset, int Doc, int MetaKey, int[]? Shape);

    private static readonly Gen<Input> InputGen = Gen.Select(
        Gen.Select(Gen.Int[0, 6], Gen.Int[1, 6], Gen.Int[1, 8], Gen.Int[1, 3], Gen.Bool, Gen.Bool, Gen.Bool),
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, Opsets.Length - 1], Gen.Int[0, Texts.Length - 1], Gen.Int[-1, Texts.Length - 1],
            Gen.Frequency((3, Gen.Const((int[]?)null)), (2, Gen.Int[0, Dims.Length - 1].Array[0, 4].Select(a => (int[]?)a)))),
        (a, b) => new Input(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));

    private static Module Build(Input i, Generator rng) => i.Kind switch
    {
        0 => new Rnn(i.In, i.Hidden, i.Layers, Nonlinearity.Tanh, i.Bias, i.BatchFirst, 0f, i.Bi, rng),
        1 => new Rnn(i.In, i.Hidden, i.Layers, Nonlinearity.Relu, i.Bias, i.BatchFirst, 0f, i.Bi, rng),
        2 => new Lstm(i.In, i.Hidden, i.Layers, i.Bias, i.BatchFirst, 0f, i.Bi, 0, rng),
        3 => new Lstm(i.In, i.Hidden + 1, i.Layers, i.Bias, i.BatchFirst, 0f, i.Bi, Math.Min(i.Proj, i.Hidden), rng),
        4 => new Gru(i.In, i.Hidden, i.Layers, i.Bias, i.BatchFirst, 0f, i.Bi, rng),
        5 => new Linear(i.In, i.Hidden, i.Bias, rng),
        _ => new Embedding(i.In + 1, i.Hidden, rng: rng),
    };

    private static void Check(Input input)
    {
        var rng = new Generator(input.GetHashCode() & 0xffff);
        var model = Build(input, rng);
        var options = new OnnxExportOptions
        {
            OpsetVersion = Opsets[input.Opset],
            DocString = Texts[input.Doc],
            Metadata = input.MetaKey < 0 ? null : new Dictionary<string, string> { [Texts[input.MetaKey] ?? "k"] = Texts[input.Doc] ?? "" },
            InputShape = input.Shape?.Select(d => Dims[d]).ToArray(),
        };
        byte[] bytes;
        try
        {
            bytes = OnnxExport.ToBytes(model, options);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            Assert.True(e.Message.Length <= 600, $"{e.GetType().Name}: {e.Message.Length}-character message");
            Assert.DoesNotContain('\n', e.Message);
            return;
        }
        if (model is not RnnBase m)
        {
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes); // loads
            return;
        }
        int rows = m.NumLayers * m.NumDirections, seq = 3, batch = 2;
        var x = Tensor.Randn(rng, m.BatchFirst ? [batch, seq, m.InputSize] : [seq, batch, m.InputSize]);
        var h0 = Tensor.Randn(rng, rows, batch, m.OutputHiddenSize);
        var c0 = Tensor.Randn(rng, rows, batch, m.HiddenSize);
        var inputs = new List<Ort.Value> { Ort.Value.Of("input", x), Ort.Value.Of("h0", h0) };
        if (m is Lstm) inputs.Add(Ort.Value.Of("c0", c0));
        var (y, state) = m.ForwardState(x, new RnnState(h0, m is Lstm ? c0 : null));
        var got = Ort.Run(bytes, inputs.ToArray());
        Ort.AssertClose("output", y.ToArray(), y.Shape, got["output"]);
        Ort.AssertClose("h_n", state.H.ToArray(), state.H.Shape, got["h_n"]);
        if (state.C != null) Ort.AssertClose("c_n", state.C.ToArray(), state.C.Shape, got["c_n"]);
    }

    [Fact]
    public void EveryExportRunsInOnnxRuntimeOrRaisesADocumentedException()
    {
        // Each input builds a model, traces it twice and runs ONNX Runtime: a tenth of the file targets' budget.
        int before = 0;
        FuzzBudget.Run(InputGen, input => { before++; Check(input); }, output.WriteLine, input => input.ToString(),
            iterations: FuzzBudget.Iterations / 10);
        Assert.True(before > 0);
    }

    // Found by this fuzzer: a huge fixed dim in InputShape threw OutOfMemoryException while building the example
    // input (and the element count could wrap). Smallest input: Embedding with InputShape [int.MaxValue].
    [Fact]
    public void HugeFixedInputDimIsAnArgumentException()
    {
        var emb = new Embedding(3, 2, rng: new Generator(1));
        var ex = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(emb, new OnnxExportOptions { InputShape = new OnnxDim[] { int.MaxValue } }));
        Assert.Contains("more than an array can hold", ex.Message);
        var linear = new Linear(4, 2, rng: new Generator(1));
        ex = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(linear, new OnnxExportOptions { InputShape = new OnnxDim[] { OnnxDim.Batch, 10_000_000, 4 } }));
        Assert.Contains("input 'input' of shape [", ex.Message);
        Assert.Contains("give large axes as OnnxDim.Batch or OnnxDim.Seq", ex.Message);
    }
}
