using System.Text;
using Recur.Cli.Commands;
using Recur.Forecasting;
using Recur.Nn;
using Recur.Text;

namespace Recur.Onnx.Tests;

/// <summary><c>recur export</c> of the char-LM and of files it does not read (forecasters: <see cref="ForecasterExportTests"/>).</summary>
public class CliExportTests
{
    private static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"recur-onnx-{Guid.NewGuid():N}-{name}");

    private static void Perturb(Module m, Generator rng)
    {
        foreach (var p in m.Parameters()) p.CopyFrom(p + Tensor.Randn(rng, p.Shape) * 0.3f);
    }

    [Fact]
    public void CharLmFileExportsWithStateInAndOut()
    {
        var vocab = CharVocabulary.FromText("hello, world! ONNX");
        var model = new CharLm(new CharLmConfig(vocab.Count, 5, 7, 2, 0.2f), new Generator(11));
        string path = Temp("charlm.safetensors"), onnx = Temp("charlm.onnx");
        try
        {
            CharLmFile.Save(path, model, vocab);
            var info = ExportCommand.Export(path, onnx);
            Assert.Equal(new[] { "input: int64[batch, seq]", "h0: float32[2, batch, 7]", "c0: float32[2, batch, 7]" }, info.Inputs.Select(i => i.ToString()));
            Assert.Equal(new[] { $"logits: float32[batch, seq, {vocab.Count}]", "h_n: float32[2, batch, 7]", "c_n: float32[2, batch, 7]" }, info.Outputs.Select(i => i.ToString()));
            var bytes = File.ReadAllBytes(onnx);
            model.Eval();
            var rng = new Generator(12);
            foreach (var (batch, seq) in new[] { (1, 1), (3, 5), (2, 9) })
            {
                var idx = new IndexTensor(Enumerable.Range(0, batch * seq).Select(_ => (long)rng.NextInt(vocab.Count)).ToArray(), batch, seq);
                var h0 = Tensor.Randn(rng, 2, batch, 7);
                var c0 = Tensor.Randn(rng, 2, batch, 7);
                var (logits, state) = model.Forward(idx, new RnnState(h0, c0));
                var got = Ort.Run(bytes, Ort.Value.Of("input", idx), Ort.Value.Of("h0", h0), Ort.Value.Of("c0", c0));
                Ort.AssertClose("logits", logits.ToArray(), logits.Shape, got["logits"]);
                Ort.AssertClose("h_n", state.H.ToArray(), state.H.Shape, got["h_n"]);
                Ort.AssertClose("c_n", state.C!.ToArray(), state.C.Shape, got["c_n"]);
            }

            // Streaming: one character at a time with the state fed back equals one call over the text.
            var text = new IndexTensor(vocab.Encode("hello world").Select(i => (long)i).ToArray(), 1, 11);
            var zeros = new float[2 * 7];
            var whole = Ort.Run(bytes, Ort.Value.Of("input", text), new Ort.Value("h0", zeros, null, new[] { 2, 1, 7 }), new Ort.Value("c0", zeros, null, new[] { 2, 1, 7 }));
            float[] h = zeros, c = zeros;
            var steps = new List<float>();
            for (int t = 0; t < 11; t++)
            {
                var one = new IndexTensor(new[] { text.Data[t] }, 1, 1);
                var r = Ort.Run(bytes, Ort.Value.Of("input", one), new Ort.Value("h0", h, null, new[] { 2, 1, 7 }), new Ort.Value("c0", c, null, new[] { 2, 1, 7 }));
                steps.AddRange(r["logits"].Data);
                (h, c) = (r["h_n"].Data, r["c_n"].Data);
            }
            Ort.AssertClose("streamed logits", whole["logits"].Data, whole["logits"].Shape, (steps.ToArray(), new[] { 1, 11, vocab.Count }));
        }
        finally
        {
            File.Delete(path);
            File.Delete(onnx);
        }
    }

    [Fact]
    public void OtherFilesAreAClearError()
    {
        string path = Temp("other.safetensors");
        try
        {
            Recur.IO.Safetensors.Save(path, new[] { new Recur.IO.NamedTensorData("w", new[] { 1 }, new[] { 1f }) }, new Dictionary<string, string> { ["format"] = "something" });
            var e = Assert.Throws<InvalidDataException>(() => ExportCommand.Export(path, Temp("x.onnx")));
            Assert.Contains("'something'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
