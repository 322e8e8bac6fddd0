using Recur.Cli.Sine;
using Recur.Kernels;
using Recur.Nn;
using Recur.Text;

namespace Recur.Cli.Bench;

/// <summary>The workloads of issue 4, built exactly as bench/pytorch_bench.py builds them.</summary>
internal static class Workloads
{
    private static readonly (string Size, int Input, int Hidden, int Layers, int Seq, int Batch)[] Sizes =
    {
        ("tiny", 1, 16, 1, 50, 1),
        ("small", 32, 128, 1, 64, 32),
        ("medium", 256, 512, 2, 100, 64),
    };

    private static readonly (string Cell, int Gates)[] Cells = { ("lstm", 4), ("gru", 3), ("rnn", 1) };

    // Issue 4's targets (ms per call), all LSTM unless noted.
    private static readonly Dictionary<string, double> Targets = new()
    {
        ["tiny-lstm-train"] = 0.030, ["tiny-gru-train"] = 0.373, ["tiny-rnn-train"] = 0.125,
        ["small-lstm-train"] = 3.0, ["medium-lstm-train"] = 550, ["medium-lstm-infer"] = 150,
        ["stream-lstm-infer"] = 0.008, ["sine-demo"] = 200,
    };

    public static IEnumerable<Workload> All()
    {
        foreach (var s in Sizes)
            foreach (var (cell, gates) in Cells)
                foreach (var mode in new[] { "train", "infer" })
                {
                    string name = $"{s.Size}-{cell}-{mode}";
                    double fwd = Workload.RnnFlops(gates, s.Input, s.Hidden, s.Layers, s.Seq, s.Batch);
                    yield return new Workload(name, cell, mode, mode == "train" ? 3 * fwd : fwd, () => RnnCall(s, cell, mode))
                    {
                        TargetMs = Targets.GetValueOrDefault(name) is var t && t > 0 ? t : null,
                    };
                }
        yield return new Workload("stream-lstm-infer", "lstm", "infer", Workload.RnnFlops(4, 32, 256, 1, 1, 1), StreamCall, CallsPerSample: 200)
        {
            TargetMs = Targets["stream-lstm-infer"],
        };
        var lm = CharLmSizes.Default;
        yield return new Workload("charlm-train", "lstm", "train", 3 * lm.ForwardFlops, () => CharLmTrainCall(lm))
        {
            TokensPerCall = lm.Seq * lm.Batch,
        };
        yield return new Workload("charlm-sample", "lstm", "infer", lm.SampleFlops, () => CharLmSampleCall(lm), CallsPerSample: 20)
        {
            TokensPerCall = 1,
        };
        yield return new Workload("sgemm-1024", "-", "gemm", 2.0 * 1024 * 1024 * 1024, SgemmCall);
        yield return new Workload("sine-demo", "rnn", "train", 6000 * 3 * Workload.RnnFlops(1, 1, 16, 1, 50, 1), () => () => { })
        {
            SelfTimed = () => SineDemo.Run(new SineOptions()).TrainSeconds * 1000,
            TargetMs = Targets["sine-demo"],
        };
    }

    /// <summary>train: zero grads, forward, backward of out.sum(); infer: forward without grad. x: [seq, batch, input], h0 zeros.</summary>
    private static Action RnnCall((string Size, int Input, int Hidden, int Layers, int Seq, int Batch) s, string cell, string mode)
    {
        var rng = new Generator(0);
        var model = CellChoice.Create(cell, s.Input, s.Hidden, s.Layers, batchFirst: false, rng: rng);
        var x = Tensor.Randn(rng, s.Seq, s.Batch, s.Input);
        if (mode == "train")
            return () =>
            {
                model.ZeroGrad();
                model.ForwardState(x).Output.Sum().Backward();
            };
        return () =>
        {
            using var _ = GradMode.NoGrad();
            model.ForwardState(x);
        };
    }

    private static Action StreamCall()
    {
        var rng = new Generator(0);
        var stream = new StreamingRnn(new Lstm(32, 256, rng: rng));
        var steps = Tensor.Randn(rng, 256, 32).ToArray();
        var y = new float[256];
        int t = 0;
        return () =>
        {
            stream.Step(steps.AsSpan(t * 32, 32), y);
            t = (t + 1) & 255;
        };
    }

    /// <summary>
    /// The char-LM (<see cref="CharLm"/>: embedding, LSTM batch_first, linear head; no dropout), cross-entropy over a
    /// [batch, seq] window of tokens, forward + backward (no optimizer), as bench/pytorch_bench.py and bench/LibTorch
    /// build it.
    /// </summary>
    private static Action CharLmTrainCall(CharLmSizes s)
    {
        var model = new CharLm(new CharLmConfig(s.Vocab, s.Embed, s.Hidden, s.Layers), new Generator(0));
        var random = new Random(0);
        long[] Tokens() => Enumerable.Range(0, s.Batch * s.Seq).Select(_ => (long)random.Next(s.Vocab)).ToArray();
        var x = new IndexTensor(Tokens(), s.Batch, s.Seq);
        var y = new IndexTensor(Tokens(), s.Batch * s.Seq);
        return () =>
        {
            model.ZeroGrad();
            var (logits, _) = model.Forward(x);                              // [batch, seq, vocab]
            Functional.CrossEntropy(logits.Reshape(s.Batch * s.Seq, s.Vocab), y).Backward();
        };
    }

    /// <summary>Greedy sampling, one token per call at batch 1: embedding row → streaming LSTM step → head → argmax.</summary>
    private static Action CharLmSampleCall(CharLmSizes s)
    {
        var model = new CharLm(new CharLmConfig(s.Vocab, s.Embed, s.Hidden, s.Layers), new Generator(0));
        var stream = new StreamingRnn(model.Lstm);
        var table = model.Embedding.Weight.ToArray();
        var w = model.Head.Weight.ToArray();
        var b = model.Head.Bias!.ToArray();
        var h = new float[s.Hidden];
        var logits = new float[s.Vocab];
        int token = 0;
        return () =>
        {
            stream.Step(table.AsSpan(token * s.Embed, s.Embed), h);
            b.CopyTo(logits, 0);
            Gemm.Sgemm(false, true, 1, s.Vocab, s.Hidden, 1f, h, s.Hidden, w, s.Hidden, 1f, logits, s.Vocab);
            token = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
        };
    }

    private static Action SgemmCall()
    {
        var rng = new Generator(0);
        var a = Tensor.Randn(rng, 1024, 1024).ToArray();
        var b = Tensor.Randn(rng, 1024, 1024).ToArray();
        var c = new float[1024 * 1024];
        return () => Gemm.Sgemm(false, false, 1024, 1024, 1024, 1f, a, 1024, b, 1024, 0f, c, 1024);
    }
}
