// The `recur bench --compare libtorch` side: the workloads of `recur bench` (src/Recur.Cli/Bench/Workloads.cs) under
// the same names, built and timed as bench/pytorch_bench.py does, with the JSON result on the last stdout line:
//   {"framework": "libtorch", "torch": "2.10.0 (TorchSharp 0.107.0)", "blas": "...", "threads": 1, "cpu": "...",
//    "workloads": [{"name": "tiny-lstm-train", "cell": "lstm", "mode": "train", "median_ms": 0.31, ...}, ...]}
// train = zero the grads, forward, backward of out.sum() (no optimizer); infer = forward under no_grad; h0 zeros.
// charlm-train: Embedding(V, E) + LSTM(E, H, L, batch_first) + Linear(H, V), cross-entropy over [batch, seq] tokens,
// forward + backward (no optimizer); charlm-sample: one token at a time at batch 1 through embedding, LSTM (state
// carried) and head, then argmax — the greedy sampling loop. Sizes come from `recur` (--charlm V,E,H,L,seq,batch).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

static class RecurProtocol
{
    static readonly (string Size, long Input, long Hidden, long Layers, long Seq, long Batch)[] Sizes =
    {
        ("tiny", 1, 16, 1, 50, 1),
        ("small", 32, 128, 1, 64, 32),
        ("medium", 256, 512, 2, 100, 64),
    };
    static readonly string[] Cells = { "lstm", "gru", "rnn" };

    static double targetS = 1.5;
    static int minReps = 5;

    public static void Run(int threads, string only, bool quick, string charLmSizes)
    {
        if (quick) { targetS = 0.3; minReps = 3; }
        var cl = (charLmSizes ?? "65,64,256,2,128,32").Split(',').Select(long.Parse).ToArray();
        if (cl.Length != 6) throw new ArgumentException("--charlm takes vocab,embed,hidden,layers,seq,batch");
        var names = new List<string>();
        foreach (var s in Sizes) foreach (var c in Cells) foreach (var m in new[] { "train", "infer" }) names.Add($"{s.Size}-{c}-{m}");
        names.AddRange(new[] { "stream-lstm-infer", "charlm-train", "charlm-sample", "sgemm-1024", "sine-demo" });
        if (!string.IsNullOrWhiteSpace(only))
        {
            var keys = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            names = names.Where(n => keys.Any(k => n == k || n.Contains(k, StringComparison.OrdinalIgnoreCase))).ToList();
        }
        var results = new List<Dictionary<string, object>>();
        foreach (var name in names)
        {
            var (cell, mode, times) = name switch
            {
                "stream-lstm-infer" => ("lstm", "infer", Stream()),
                "charlm-train" => ("lstm", "train", CharLmTrain(cl)),
                "charlm-sample" => ("lstm", "infer", CharLmSample(cl)),
                "sgemm-1024" => ("-", "gemm", Sgemm()),
                "sine-demo" => ("rnn", "train", Sine(quick)),
                _ => RnnWorkload(name),
            };
            times.Sort();
            double med = times.Count % 2 == 1 ? times[times.Count / 2] : 0.5 * (times[times.Count / 2 - 1] + times[times.Count / 2]);
            results.Add(new()
            {
                ["name"] = name, ["cell"] = cell, ["mode"] = mode,
                ["median_ms"] = Math.Round(med, 4), ["min_ms"] = Math.Round(times[0], 4), ["max_ms"] = Math.Round(times[^1], 4),
                ["reps"] = times.Count,
            });
            Console.WriteLine($"# {name,-20} {med,10:F4} ms  ({times.Count} reps)");
        }
        var version = typeof(torch).Assembly.GetName().Version;
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["framework"] = "libtorch",
            ["torch"] = $"libtorch 2.10.0 (TorchSharp {version?.ToString(3)})",
            ["blas"] = Config(),
            ["threads"] = torch.get_num_threads(),
            ["cpu"] = CpuName(),
            ["workloads"] = results,
        }));
    }

    // TorchSharp exposes no build-configuration call; the libtorch-cpu-linux-x64 package is built with MKL and oneDNN.
    static string Config() => $"MKL + oneDNN (libtorch-cpu-linux-x64 2.10.0), interop threads {torch.get_num_interop_threads()}";

    static string CpuName()
    {
        try { var l = File.ReadLines("/proc/cpuinfo").FirstOrDefault(x => x.StartsWith("model name")); if (l != null) return l[(l.IndexOf(':') + 1)..].Trim(); }
        catch (IOException) { }
        return "unknown";
    }

    // Warm-up (one call, or 0.2 s of calls), then calls until targetS has passed and minReps were made: per-call ms.
    static List<double> Time(Action call)
    {
        var clock = Stopwatch.StartNew();
        do call(); while (clock.Elapsed.TotalSeconds < 0.2);
        var times = new List<double>();
        clock.Restart();
        while (times.Count < 100_000)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (times.Count >= minReps && clock.Elapsed.TotalSeconds >= targetS) break;
        }
        return times;
    }

    static (string, string, List<double>) RnnWorkload(string name)
    {
        var parts = name.Split('-');
        var s = Sizes.First(z => z.Size == parts[0]);
        string cell = parts[1], mode = parts[2];
        torch.manual_seed(0);
        nn.Module m = cell switch
        {
            "lstm" => nn.LSTM(s.Input, s.Hidden, numLayers: s.Layers),
            "gru" => nn.GRU(s.Input, s.Hidden, numLayers: s.Layers),
            _ => nn.RNN(s.Input, s.Hidden, numLayers: s.Layers, nonLinearity: nn.NonLinearities.Tanh),
        };
        var x = torch.randn(s.Seq, s.Batch, s.Input);
        List<double> times;
        if (mode == "train")
            times = Time(() =>
            {
                using var scope = torch.NewDisposeScope();
                m.zero_grad();
                Fwd(m, x).sum().backward();
            });
        else
            times = Time(() =>
            {
                using var ng = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                Fwd(m, x);
            });
        x.Dispose();
        m.Dispose();
        return (cell, mode, times);
    }

    static Tensor Fwd(nn.Module m, Tensor x) => m switch
    {
        LSTM lstm => lstm.forward(x).Item1,
        GRU gru => gru.forward(x, null).Item1,
        RNN rnn => rnn.forward(x, null).Item1,
        _ => throw new InvalidOperationException(),
    };

    // LSTM(32, 256) at batch 1, one [1, 1, 32] step per call, state carried, no grad.
    static List<double> Stream()
    {
        torch.manual_seed(0);
        var m = nn.LSTM(32, 256);
        var steps = torch.randn(256, 1, 1, 32);
        var xs = Enumerable.Range(0, 256).Select(i => steps[i]).ToArray();
        Tensor h = torch.zeros(1, 1, 256), c = torch.zeros(1, 1, 256);
        int t = 0;
        using var ng = torch.no_grad();
        var times = Time(() =>
        {
            var (o, h2, c2) = m.forward(xs[t], (h, c));
            o.Dispose(); h.Dispose(); c.Dispose(); h = h2; c = c2;
            t = (t + 1) & 255;
        });
        m.Dispose();
        return times;
    }

    sealed class CharLm : nn.Module<Tensor, Tensor>
    {
        public readonly Embedding Emb;
        public readonly LSTM Lstm;
        public readonly Linear Head;
        public CharLm(long vocab, long embed, long hidden, long layers) : base("CharLm")
        {
            Emb = nn.Embedding(vocab, embed);
            Lstm = nn.LSTM(embed, hidden, numLayers: layers, batchFirst: true);
            Head = nn.Linear(hidden, vocab);
            RegisterComponents();
        }
        public override Tensor forward(Tensor tokens) => Head.forward(Lstm.forward(Emb.forward(tokens)).Item1);
    }

    static List<double> CharLmTrain(long[] s)
    {
        long vocab = s[0], seq = s[4], batch = s[5];
        torch.manual_seed(0);
        var m = new CharLm(vocab, s[1], s[2], s[3]);
        var x = torch.randint(vocab, new[] { batch, seq }, dtype: ScalarType.Int64);
        var y = torch.randint(vocab, new[] { batch, seq }, dtype: ScalarType.Int64);
        var times = Time(() =>
        {
            using var scope = torch.NewDisposeScope();
            m.zero_grad();
            var logits = m.forward(x);                                        // [batch, seq, vocab]
            nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1)).backward();
        });
        m.Dispose();
        return times;
    }

    // One call = one generated token.
    static List<double> CharLmSample(long[] s)
    {
        long vocab = s[0], hidden = s[2], layers = s[3];
        torch.manual_seed(0);
        var m = new CharLm(vocab, s[1], hidden, layers);
        Tensor h = torch.zeros(layers, 1, hidden), c = torch.zeros(layers, 1, hidden);
        long token = 0;
        using var ng = torch.no_grad();
        var times = Time(() =>
        {
            using var scope = torch.NewDisposeScope();
            using var tok = torch.tensor(new[] { token }).view(1, 1);     // [1, 1]
            var (o, h2, c2) = m.Lstm.forward(m.Emb.forward(tok), (h, c));
            token = m.Head.forward(o).argmax().item<long>();
            h.Dispose(); c.Dispose();
            h = h2.MoveToOuterDisposeScope(); c = c2.MoveToOuterDisposeScope();
        });
        m.Dispose();
        return times;
    }

    static List<double> Sgemm()
    {
        torch.manual_seed(0);
        var a = torch.randn(1024, 1024);
        var b = torch.randn(1024, 1024);
        using var ng = torch.no_grad();
        return Time(() => torch.mm(a, b).Dispose());
    }

    // The seed demo's 6000-iteration training loop (no prints): one run with --quick, else up to 3 while under a minute.
    static List<double> Sine(bool quick)
    {
        var times = new List<double>();
        while (times.Count < (quick ? 1 : 3) && times.Sum() < 60_000)
        {
            torch.manual_seed(0);
            var model = new Net();
            var opt = optim.Adam(model.parameters(), lr: 0.01);
            var sw = Stopwatch.StartNew();
            var (h, _, x) = SeedDemo.Train(model, nn.MSELoss(), opt, new Random(0), 6000, false);
            times.Add(sw.Elapsed.TotalMilliseconds);
            h.Dispose(); x?.Dispose(); model.Dispose(); opt.Dispose();
        }
        return times;
    }
}
