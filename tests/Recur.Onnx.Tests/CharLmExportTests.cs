using Recur.Text;

namespace Recur.Onnx.Tests;

/// <summary>The char-LM of <c>recur charlm</c> exports through its (indices, (h0, c0)) forward and runs in ONNX Runtime.</summary>
public class CharLmExportTests
{
    [Fact]
    public void CharLmMatchesRecurInOnnxRuntime()
    {
        var m = new CharLm(new CharLmConfig(11, 6, 10, 2, Dropout: 0.3f), new Generator(1));
        var signature = new OnnxSignature(
            new[]
            {
                new OnnxInput("input", new[] { OnnxDim.Batch, OnnxDim.Seq }, IsIndices: true),
                new OnnxInput("h0", new OnnxDim[] { 2, OnnxDim.Batch, 10 }),
                new OnnxInput("c0", new OnnxDim[] { 2, OnnxDim.Batch, 10 }),
            },
            new[] { "logits", "h_n", "c_n" },
            v =>
            {
                var (logits, (h, c)) = m.Forward((IndexTensor)v[0], ((Tensor)v[1], (Tensor)v[2]));
                return new[] { logits, h, c };
            });
        var bytes = OnnxExport.ToBytes(m, signature, out _);
        m.Eval();
        var rng = new Generator(2);
        foreach (var (seq, batch) in new[] { (1, 1), (5, 3) })
        {
            var idx = new IndexTensor(Enumerable.Range(0, seq * batch).Select(_ => (long)rng.NextInt(11)).ToArray(), batch, seq);
            var h0 = Tensor.Randn(rng, 2, batch, 10);
            var c0 = Tensor.Randn(rng, 2, batch, 10);
            var (logits, (hn, cn)) = m.Forward(idx, (h0, c0));
            var got = Ort.Run(bytes, Ort.Value.Of("input", idx), Ort.Value.Of("h0", h0), Ort.Value.Of("c0", c0));
            Ort.AssertClose($"logits ({seq}, {batch})", logits.ToArray(), logits.Shape, got["logits"]);
            Ort.AssertClose($"h_n ({seq}, {batch})", hn.ToArray(), hn.Shape, got["h_n"]);
            Ort.AssertClose($"c_n ({seq}, {batch})", cn.ToArray(), cn.Shape, got["c_n"]);
        }
    }
}
