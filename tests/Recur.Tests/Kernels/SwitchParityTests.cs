using Recur.Kernels;
using Recur.Parity;

namespace Recur.Tests.Kernels;

/// <summary>
/// Every optimisation can be switched off, and the golden cases still pass with each one off: the fast paths are
/// checked against PyTorch and against the plain paths at the same time.
/// </summary>
[Collection(nameof(KernelSwitches))]
public class SwitchParityTests
{
    public static IEnumerable<object[]> Switches() =>
        new[] { "no-simd", "no-pack", "no-hoist", "one-thread", "vector512", "vector256", "no-tall-tiles", "no-narrow-256", "one-chunk", "no-transposed-grads", "no-batch-split", "transposed-batch-first", "no-bias-epilogue" }.Select(s => new object[] { s });

    [Theory, MemberData(nameof(Switches))]
    public void GoldenCasesPassWithTheSwitchOff(string which)
    {
        var saved = (KernelOptions.UseSimd, KernelOptions.PackWeights, KernelOptions.HoistInputProjection, KernelOptions.MaxThreads, KernelOptions.Width);
        var saved2 = (GemmKernels.UseTile12, Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes, Recur.Nn.Recurrent.RecurrentLayer.TransposedGradMaxWidth, Recur.Nn.Recurrent.RecurrentLayer.BatchSplit);
        int narrow = Gemm.NarrowMaxN;
        bool nativeBatchFirst = Recur.Nn.RnnBase.NativeBatchFirst;
        try
        {
            switch (which)
            {
                case "no-simd": KernelOptions.UseSimd = false; break;
                case "no-pack": KernelOptions.PackWeights = false; break;
                case "no-hoist": KernelOptions.HoistInputProjection = false; break;
                case "one-thread": KernelOptions.MaxThreads = 1; break;
                case "vector512": KernelOptions.Width = VectorWidth.Vector512; break; // emulated where the CPU lacks AVX-512
                case "vector256": KernelOptions.Width = VectorWidth.Vector256; break; // the AVX2 path on an AVX-512 machine
                case "no-tall-tiles": GemmKernels.UseTile12 = false; break;
                case "no-narrow-256": Gemm.NarrowMaxN = 0; break; // products of ≤ 16 columns on the Vector512 tiles too
                case "one-chunk": Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes = long.MaxValue / 4; break; // the input projection in one product
                case "no-transposed-grads": Recur.Nn.Recurrent.RecurrentLayer.TransposedGradMaxWidth = 0; break;
                case "no-batch-split": Recur.Nn.Recurrent.RecurrentLayer.BatchSplit = false; break;
                case "transposed-batch-first": Recur.Nn.RnnBase.NativeBatchFirst = false; break;
                case "no-bias-epilogue": Recur.Nn.Recurrent.RecurrentLayer.BiasEpilogue = false; break;
            }
            var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "*.json", SearchOption.AllDirectories);
            var failed = files.Select(GoldenRunner.Run).Where(r => r.Status != CaseStatus.Pass)
                .Select(r => $"{r.Name}: {r.Status} {r.Message} {string.Join(", ", r.Checks.Where(c => !c.Pass).Select(c => c.Name))}").ToList();
            Assert.True(failed.Count == 0, $"with {which}: " + string.Join("; ", failed));
        }
        finally
        {
            (KernelOptions.UseSimd, KernelOptions.PackWeights, KernelOptions.HoistInputProjection, KernelOptions.MaxThreads, KernelOptions.Width) = saved;
            (GemmKernels.UseTile12, Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes, Recur.Nn.Recurrent.RecurrentLayer.TransposedGradMaxWidth, Recur.Nn.Recurrent.RecurrentLayer.BatchSplit) = saved2;
            Gemm.NarrowMaxN = narrow;
            Recur.Nn.RnnBase.NativeBatchFirst = nativeBatchFirst;
            Recur.Nn.Recurrent.RecurrentLayer.BiasEpilogue = true;
        }
    }

    /// <summary>
    /// The register-tile choice, the batch split between threads and the chunking of the input projection
    /// change where and when sums are formed, never their order: a training step's output and every gradient are
    /// bitwise the same with each of them off.
    /// </summary>
    [Theory]
    [InlineData("no-tall-tiles")]
    [InlineData("no-narrow-256")]
    [InlineData("one-chunk")]
    [InlineData("small-chunks")]
    [InlineData("no-batch-split")]
    [InlineData("no-bias-epilogue")]
    public void LstmStepIsBitwiseTheSameWithTheSwitchOff(string which)
    {
        var saved = (GemmKernels.UseTile12, Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes, KernelOptions.MaxThreads);
        bool split = Recur.Nn.Recurrent.RecurrentLayer.BatchSplit;
        int narrow = Gemm.NarrowMaxN;
        try
        {
            KernelOptions.MaxThreads = 2;
            var reference = Step();
            switch (which)
            {
                case "no-tall-tiles": GemmKernels.UseTile12 = false; break;
                case "no-narrow-256": Gemm.NarrowMaxN = 0; break;
                case "one-chunk": Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes = long.MaxValue / 4; break;
                case "small-chunks": Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes = 1; break; // one step per product
                case "no-batch-split": Recur.Nn.Recurrent.RecurrentLayer.BatchSplit = false; break;
                case "no-bias-epilogue": Recur.Nn.Recurrent.RecurrentLayer.BiasEpilogue = false; break;
            }
            var other = Step();
            Assert.Equal(reference.Length, other.Length);
            for (int i = 0; i < reference.Length; i++)
                Assert.True(reference[i].SequenceEqual(other[i]), $"with {which}: tensor {i} differs");
        }
        finally
        {
            (GemmKernels.UseTile12, Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes, KernelOptions.MaxThreads) = saved;
            Recur.Nn.Recurrent.RecurrentLayer.BatchSplit = split;
            Gemm.NarrowMaxN = narrow;
            Recur.Nn.Recurrent.RecurrentLayer.BiasEpilogue = true;
        }

        // Output and every gradient of one training step of a 2-layer bidirectional LSTM, a GRU and an LSTM with a
        // projection, big enough to thread (batch 40: split between two threads by default).
        static float[][] Step()
        {
            var result = new List<float[]>();
            var x = Tensor.Randn(new Generator(4), 30, 40, 40);
            var h0 = Tensor.Randn(new Generator(5), 1, 40, 64).RequireGrad();
            var models = new Recur.Nn.Module[]
            {
                new Recur.Nn.Lstm(40, 96, numLayers: 2, bidirectional: true, rng: new Generator(3)),
                new Recur.Nn.Gru(40, 64, rng: new Generator(6)),
                new Recur.Nn.Lstm(40, 64, projSize: 24, rng: new Generator(7)),
                new Recur.Nn.Lstm(40, 4, projSize: 3, rng: new Generator(8)), // 16 gate columns, 4 and 3 wide: the narrow products
            };
            foreach (var m in models)
            {
                var o = m switch
                {
                    Recur.Nn.Gru gru => gru.Forward(x, h0).Output,
                    Recur.Nn.Lstm lstm => lstm.Forward(x).Output,
                    _ => throw new InvalidOperationException(),
                };
                o.Sum().Backward();
                result.Add(o.ToArray());
                result.AddRange(m.Parameters().Select(p => p.Grad!.ToArray()));
            }
            result.Add(h0.Grad!.ToArray());
            return result.ToArray();
        }
    }

    /// <summary>
    /// Inference writes a layer's gate rows into a ring of one projection chunk instead of rows for the whole sequence:
    /// the same arithmetic, so outputs and final states are bitwise those without the ring — for each cell kind, both
    /// directions, a projection, and a packed batch whose later steps are narrower than its chunks; chunks of the fewest
    /// steps (ChunkBytes 1: 128 rows) and of many.
    /// </summary>
    [Theory]
    [InlineData(1L)]
    [InlineData(300_000L)]
    public void InferenceIsBitwiseTheSameWithoutTheGateRing(long chunkBytes)
    {
        var saved = (KernelOptions.MaxThreads, Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes, Recur.Nn.Recurrent.RecurrentLayer.GateRing);
        try
        {
            KernelOptions.MaxThreads = 1; // the batch split projects every row first and never uses the ring
            Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes = chunkBytes;
            Recur.Nn.Recurrent.RecurrentLayer.GateRing = true;
            var ring = Run();
            Recur.Nn.Recurrent.RecurrentLayer.GateRing = false;
            var plain = Run();
            Assert.Equal(plain.Length, ring.Length);
            for (int i = 0; i < plain.Length; i++)
                Assert.True(plain[i].SequenceEqual(ring[i]), $"ChunkBytes {chunkBytes}: tensor {i} differs");
        }
        finally
        {
            (KernelOptions.MaxThreads, Recur.Nn.Recurrent.RecurrentLayer.ChunkBytes, Recur.Nn.Recurrent.RecurrentLayer.GateRing) = saved;
        }

        static float[][] Run()
        {
            var result = new List<float[]>();
            using var _ = GradMode.NoGrad();
            var x = Tensor.Randn(new Generator(9), 90, 6, 20);
            var lstm = new Recur.Nn.Lstm(20, 48, numLayers: 2, bidirectional: true, rng: new Generator(1));
            var (o, (h, c)) = lstm.Forward(x);
            result.AddRange([o.ToArray(), h.ToArray(), c.ToArray()]);
            var gru = new Recur.Nn.Gru(20, 32, rng: new Generator(2));
            var (og, hg) = gru.Forward(x);
            result.AddRange([og.ToArray(), hg.ToArray()]);
            var rnn = new Recur.Nn.Rnn(20, 40, nonlinearity: Recur.Nn.Nonlinearity.Relu, bidirectional: true, rng: new Generator(3));
            var (or, hr) = rnn.Forward(x);
            result.AddRange([or.ToArray(), hr.ToArray()]);
            var proj = new Recur.Nn.Lstm(20, 32, projSize: 12, rng: new Generator(4));
            var (op, (hp, cp)) = proj.Forward(x);
            result.AddRange([op.ToArray(), hp.ToArray(), cp.ToArray()]);
            var packed = Recur.Nn.RnnUtils.PackPaddedSequence(x, [90, 77, 50, 31, 8, 1]);
            var (opk, (hpk, cpk)) = lstm.Forward(packed);
            result.AddRange([opk.Data.ToArray(), hpk.ToArray(), cpk.ToArray()]);
            return result.ToArray();
        }
    }

    /// <summary>
    /// batch_first read and written by the layers themselves is the same arithmetic as transposed copies around a
    /// time-major stack: outputs and every gradient (input, h0, c0, parameters) bitwise equal, with an output gradient
    /// that differs per element so a row in the wrong place would show. One and two threads (the batch split).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BatchFirstIsBitwiseTheSameAsTransposing(int threads)
    {
        var saved = (KernelOptions.MaxThreads, Recur.Nn.RnnBase.NativeBatchFirst);
        try
        {
            KernelOptions.MaxThreads = threads;
            Recur.Nn.RnnBase.NativeBatchFirst = false;
            var reference = Step();
            Recur.Nn.RnnBase.NativeBatchFirst = true;
            var native = Step();
            Assert.Equal(reference.Length, native.Length);
            for (int i = 0; i < reference.Length; i++)
                Assert.True(reference[i].SequenceEqual(native[i]), $"tensor {i} differs");
        }
        finally
        {
            (KernelOptions.MaxThreads, Recur.Nn.RnnBase.NativeBatchFirst) = saved;
        }

        static float[][] Step()
        {
            var result = new List<float[]>();
            var models = new Recur.Nn.RnnBase[]
            {
                new Recur.Nn.Lstm(12, 40, numLayers: 2, batchFirst: true, bidirectional: true, rng: new Generator(3)),
                new Recur.Nn.Gru(12, 33, batchFirst: true, rng: new Generator(6)),
                new Recur.Nn.Lstm(12, 40, projSize: 7, batchFirst: true, rng: new Generator(7)),
                new Recur.Nn.Rnn(12, 20, numLayers: 3, batchFirst: true, rng: new Generator(8)),
            };
            foreach (var m in models)
            {
                var x = Tensor.Randn(new Generator(4), 36, 9, 12).RequireGrad();   // [batch, seq, input]
                var h0 = Tensor.Randn(new Generator(5), m.NumLayers * (m.Bidirectional ? 2 : 1), 36, m.OutputHiddenSize).RequireGrad();
                var (o, state) = m.ForwardState(x, new Recur.Nn.RnnState(h0, m is Recur.Nn.Lstm ? Tensor.Randn(new Generator(9), h0.Shape[0], 36, m.HiddenSize).RequireGrad() : null));
                var weight = Tensor.Randn(new Generator(10), o.Shape);
                ((o * weight).Sum() + state.H.Sum()).Backward();
                result.Add(o.ToArray());
                result.Add(x.Grad!.ToArray());
                result.Add(h0.Grad!.ToArray());
                result.AddRange(m.Parameters().Select(p => p.Grad!.ToArray()));
            }
            return result.ToArray();
        }
    }
}
