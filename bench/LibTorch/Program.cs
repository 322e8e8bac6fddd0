// TorchSharp (libtorch CPU) performance anchor for RNN / LSTM / GRU.
//
// Usage:
//   dotnet bin/Release/net10.0/linux-x64/TorchSharpAnchor.dll json  --threads 1 [--only ...] [--quick] [--charlm 65,64,256,2,128,32]
//   dotnet bin/Release/net10.0/linux-x64/TorchSharpAnchor.dll demo  --threads 1
//   dotnet bin/Release/net10.0/linux-x64/TorchSharpAnchor.dll bench --threads 1 [--only tiny,small,medium,stream]
//
// "demo"  : exact port of the seed demo (nn.RNN(1,16,batch_first) + nn.Linear(16,1), MSE, Adam(0.01),
//           6000 iterations on sin windows, then 50-step autoregressive generation).
// "bench" : forward+backward (sum of outputs, no optimizer) and no_grad forward for RNN(tanh)/LSTM/GRU
//           at tiny/small/medium sizes, plus streaming single-step inference latency.
// "json"  : the workloads of `recur bench` under the same names and timing rules as bench/pytorch_bench.py,
//           the JSON result on the last stdout line (RecurProtocol.cs); `recur bench --compare libtorch` runs it.
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string mode = args.Length > 0 ? args[0] : "demo";
int threads = 1;
string only = "tiny,small,medium,stream";
string jsonOnly = null, charLm = null;
bool quick = false;
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--threads") threads = int.Parse(args[++i]);
    else if (args[i] == "--only") jsonOnly = only = args[++i];
    else if (args[i] == "--quick") quick = true;
    else if (args[i] == "--charlm") charLm = args[++i];
}

Load.Threads = threads;
var swInit = Stopwatch.StartNew();
torch.set_num_threads(threads);
using (var warm = torch.ones(2, 2)) { warm.sum().item<float>(); }
swInit.Stop();
Console.WriteLine($"# TorchSharp {typeof(torch).Assembly.GetName().Version}, .NET {Environment.Version}, " +
                  $"threads={torch.get_num_threads()}, interop_threads={torch.get_num_interop_threads()}, " +
                  $"libtorch init + first op = {swInit.Elapsed.TotalMilliseconds:F1} ms");

if (mode == "json") RecurProtocol.Run(threads, jsonOnly, quick, charLm);
else if (mode == "demo") SeedDemo.Run();
else if (mode == "bench") Bench.Run(only.Split(','), threads);
else if (mode == "gemm")
{
    // Reference: plain float32 matmul throughput through libtorch (MKL sgemm) at a few sizes.
    foreach (var (m, n, k) in new[] { (128L, 128L, 128L), (512L, 512L, 512L), (1024L, 1024L, 1024L), (2048L, 2048L, 2048L), (32L, 512L, 288L), (64L, 2048L, 1024L) })
    {
        var a = torch.randn(m, k); var b = torch.randn(k, n);
        using (torch.no_grad())
        {
            for (int i = 0; i < 3; i++) torch.mm(a, b).Dispose();
            var times = new List<double>();
            var sw = Stopwatch.StartNew();
            while (times.Count < 20 || sw.Elapsed.TotalSeconds < 1.0)
            {
                long t0 = Stopwatch.GetTimestamp(); torch.mm(a, b).Dispose(); long t1 = Stopwatch.GetTimestamp();
                times.Add((t1 - t0) * 1000.0 / Stopwatch.Frequency);
            }
            times.Sort();
            double med = times[times.Count / 2];
            Console.WriteLine($"RESULT gemm {threads} m={m} n={n} k={k} median_ms={med:F4} min_ms={times[0]:F4} reps={times.Count} gflops={2.0 * m * n * k / (med * 1e-3) / 1e9:F1} best_gflops={2.0 * m * n * k / (times[0] * 1e-3) / 1e9:F1}");
        }
        a.Dispose(); b.Dispose();
    }
}
else if (mode == "diag")
{
    // Short run for ONEDNN_VERBOSE / MKL_VERBOSE inspection.
    var lstm = nn.LSTM(32, 128);
    var gru = nn.GRU(32, 128);
    var x = torch.randn(64, 32, 32);
    Console.WriteLine("## LSTM small forward+backward x2");
    for (int i = 0; i < 2; i++) { var (o, h, c) = lstm.forward(x); o.sum().backward(); }
    Console.WriteLine("## LSTM small no_grad forward x2");
    using (torch.no_grad()) for (int i = 0; i < 2; i++) lstm.forward(x);
    Console.WriteLine("## LSTM streaming step x3");
    using (torch.no_grad()) { var x1 = torch.randn(1, 1, 32); for (int i = 0; i < 3; i++) lstm.forward(x1); }
    Console.WriteLine("## GRU small no_grad forward x1");
    using (torch.no_grad()) gru.forward(x, null);
    Console.WriteLine("## done");
}
else Console.WriteLine("mode must be demo or bench");

// ----------------------------------------------------------------------------------------------
// The seed demo
// ----------------------------------------------------------------------------------------------
sealed class Net : nn.Module<Tensor, Tensor, (Tensor, Tensor)>
{
    private readonly RNN rnn;
    private readonly Linear linear;
    public const int HiddenSize = 16;

    public Net() : base("Net")
    {
        rnn = nn.RNN(1, HiddenSize, numLayers: 1, batchFirst: true);
        linear = nn.Linear(HiddenSize, 1);
        RegisterComponents();
    }

    public override (Tensor, Tensor) forward(Tensor x, Tensor hiddenPrev)
    {
        var (output, h) = rnn.forward(x, hiddenPrev);   // [1,50,16], [1,1,16]
        var o = output.reshape(-1, HiddenSize);           // [50,16]
        o = linear.forward(o);                            // [50,1]
        o = o.unsqueeze(0);                               // [1,50,1]
        return (o, h);
    }
}

static class SeedDemo
{
    const int NumTimeSteps = 51;
    const int Iterations = 6000;
    const int WarmupIterations = 50;

    // start = randint(0,3); time_steps = linspace(start, start+10, 51); data = sin(time_steps) -> x,y [1,50,1]
    internal static (Tensor x, Tensor y) Sample(Random rng)
    {
        int start = rng.Next(3);
        using var ts = torch.linspace(start, start + 10, NumTimeSteps, dtype: ScalarType.Float64);
        using var data64 = ts.sin().reshape(NumTimeSteps, 1);
        using var data = data64.to_type(ScalarType.Float32);
        var x = data[..^1].view(1, NumTimeSteps - 1, 1);
        var y = data[1..].view(1, NumTimeSteps - 1, 1);
        return (x, y);
    }

    // Returns (final hidden, list of losses printed)
    internal static (Tensor hidden, List<(int it, float loss)> losses, Tensor lastX) Train(
        Net model, nn.Module<Tensor, Tensor, Tensor> criterion, optim.Optimizer optimizer,
        Random rng, int iterations, bool print)
    {
        var hiddenPrev = torch.zeros(1, 1, Net.HiddenSize);
        var losses = new List<(int, float)>();
        Tensor lastX = null;
        var block = Stopwatch.StartNew();
        for (int iter = 0; iter < iterations; iter++)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = Sample(rng);
            var (output, h) = model.forward(x, hiddenPrev);
            hiddenPrev.Dispose();
            hiddenPrev = h.detach().MoveToOuterDisposeScope();
            var loss = criterion.forward(output, y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (iter % 100 == 0)
            {
                float l = loss.item<float>();
                losses.Add((iter, l));
                if (print) Console.WriteLine($"Iteration: {iter} loss {l:G6}   (block wall {block.Elapsed.TotalMilliseconds:F1} ms)");
                block.Restart();
            }
            if (iter == iterations - 1) { lastX = x.MoveToOuterDisposeScope(); }
        }
        return (hiddenPrev, losses, lastX);
    }

    // predictions: input = x[:,0,:]; for 50 steps: input.view(1,1,1) -> model -> pred; input = pred
    static float[] Generate(Net model, Tensor x, Tensor hiddenStart, bool noGrad)
    {
        using var scope = torch.NewDisposeScope();
        using var ng = noGrad ? torch.no_grad() : null;
        var preds = new float[x.shape[1]];
        var hidden = hiddenStart;
        var input = x[.., 0, ..];
        for (int i = 0; i < preds.Length; i++)
        {
            input = input.view(1, 1, 1);
            var (pred, h) = model.forward(input, hidden);
            hidden = h;
            input = pred;
            preds[i] = pred.item<float>();  // predictions.append(pred.detach().numpy().ravel()[0])
        }
        return preds;
    }

    public static void Run()
    {
        // ---------- warm-up on a throw-away model (not counted) ----------
        {
            torch.manual_seed(7);
            var wm = new Net();
            var wcrit = nn.MSELoss();
            var wopt = optim.Adam(wm.parameters(), lr: 0.01);
            var sw0 = Stopwatch.StartNew();
            var (wh, _, wx) = Train(wm, wcrit, wopt, new Random(7), 1, false);
            double firstIterMs = sw0.Elapsed.TotalMilliseconds;
            sw0.Restart();
            var (wh2, _, wx2) = Train(wm, wcrit, wopt, new Random(8), WarmupIterations, false);
            double warmMs = sw0.Elapsed.TotalMilliseconds;
            sw0.Restart();
            Generate(wm, wx2, wh2, false);
            double firstGenMs = sw0.Elapsed.TotalMilliseconds;
            Generate(wm, wx2, wh2, true);
            Generate(wm, wx2, wh2, false);
            Console.WriteLine($"# warm-up: very first train iteration {firstIterMs:F2} ms; next {WarmupIterations} iterations {warmMs:F2} ms " +
                              $"({warmMs * 1000 / WarmupIterations:F1} us/iter); first 50-step generation {firstGenMs:F2} ms");
            wh.Dispose(); wh2.Dispose(); wx.Dispose(); wx2.Dispose(); wm.Dispose(); wopt.Dispose();
        }

        // ---------- timed run ----------
        double waited = Load.WaitQuiet();
        Console.WriteLine($"# waited {waited:F1} s for a quiet machine");
        torch.manual_seed(42);
        var model = new Net();
        var criterion = nn.MSELoss();
        var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        var rng = new Random(42);

        var l0 = Load.Snap(); double c0 = Load.ThreadCpu();
        var sw = Stopwatch.StartNew();
        var (hidden, losses, x) = Train(model, criterion, optimizer, rng, Iterations, true);
        sw.Stop();
        double trainCpuMs = (Load.ThreadCpu() - c0) * 1000; var l1 = Load.Snap();
        double trainMs = sw.Elapsed.TotalMilliseconds;

        // generation exactly as the seed demo: a fresh sin window (new random start), input = x[:,0,:],
        // autograd enabled, hidden_prev carried over from training.
        x.Dispose();
        var (x0, y0) = Sample(rng);
        x = x0.clone(); var y = y0.clone(); x0.Dispose(); y0.Dispose();
        sw.Restart();
        var preds = Generate(model, x, hidden, noGrad: false);
        sw.Stop();
        double genMs = sw.Elapsed.TotalMilliseconds;

        // repeated generations (same start state) for a stable median, with and without autograd
        var genGrad = new List<double>();
        var genNoGrad = new List<double>();
        var genGradCpu = new List<double>();
        var genNoGradCpu = new List<double>();
        for (int r = 0; r < 50; r++)
        {
            double cc = Load.ThreadCpu();
            sw.Restart(); Generate(model, x, hidden, false); sw.Stop(); genGrad.Add(sw.Elapsed.TotalMilliseconds);
            genGradCpu.Add((Load.ThreadCpu() - cc) * 1000); cc = Load.ThreadCpu();
            sw.Restart(); Generate(model, x, hidden, true); sw.Stop(); genNoGrad.Add(sw.Elapsed.TotalMilliseconds);
            genNoGradCpu.Add((Load.ThreadCpu() - cc) * 1000);
        }

        // quality: generated trajectory vs the true continuation y (teacher sequence of last sample)
        // predictions[i] estimates sample point i+1 of the window, i.e. y[i]
        using var ys = y.reshape(-1);
        var xv = ys.data<float>().ToArray();
        double mse = 0;
        for (int i = 0; i < xv.Length; i++) { double d = preds[i] - xv[i]; mse += d * d; }
        mse /= xv.Length;

        float avgLast10 = (float)losses.Skip(Math.Max(0, losses.Count - 10)).Average(l => l.loss);
        Console.WriteLine();
        Console.WriteLine($"RESULT demo threads={torch.get_num_threads()} train_6000_ms={trainMs:F1} us_per_iter={trainMs * 1000 / Iterations:F1} " +
                          $"train_main_thread_cpu_ms={trainCpuMs:F1} train_process_cores={Load.Self(l0, l1):F2} train_foreign_cores={Load.Foreign(l0, l1):F2} " +
                          $"gen50_first_ms={genMs:F3} gen50_median_ms={Median(genGrad):F3} gen50_median_cpu_ms={Median(genGradCpu):F3} " +
                          $"gen50_nograd_median_ms={Median(genNoGrad):F3} gen50_nograd_median_cpu_ms={Median(genNoGradCpu):F3} " +
                          $"final_printed_loss={losses[^1].loss:G6} mean_last10_printed_loss={avgLast10:G6} gen_mse_vs_sin={mse:G4}");
        Console.WriteLine("# first 10 predictions: " + string.Join(", ", preds.Take(10).Select(p => p.ToString("F4"))));
        Console.WriteLine("# first 10 truths     : " + string.Join(", ", xv.Take(10).Select(p => p.ToString("F4"))));
    }

    static double Median(List<double> v) { var s = v.OrderBy(t => t).ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]); }
}

// ----------------------------------------------------------------------------------------------
// Micro-benchmarks
// ----------------------------------------------------------------------------------------------
static class Bench
{
    record Cfg(string Name, long Input, long Hidden, long Seq, long Batch, int Layers);

    static readonly Cfg[] Configs =
    {
        new("tiny",   1,   16,  50, 1,  1),
        new("small",  32,  128, 64, 32, 1),
        new("medium", 256, 512, 100, 64, 2),
    };

    static int Gates(string cell) => cell switch { "LSTM" => 4, "GRU" => 3, _ => 1 };

    static double FwdFlops(string cell, Cfg c)
    {
        double f = 0;
        for (int l = 0; l < c.Layers; l++)
        {
            long inp = l == 0 ? c.Input : c.Hidden;
            f += 2.0 * c.Batch * (inp + c.Hidden) * Gates(cell) * c.Hidden * c.Seq;
        }
        return f;
    }

    static nn.Module Make(string cell, Cfg c) => cell switch
    {
        "LSTM" => nn.LSTM(c.Input, c.Hidden, numLayers: c.Layers),
        "GRU" => nn.GRU(c.Input, c.Hidden, numLayers: c.Layers),
        _ => nn.RNN(c.Input, c.Hidden, numLayers: c.Layers, nonLinearity: nn.NonLinearities.Tanh),
    };

    static Tensor Fwd(nn.Module m, Tensor x)
    {
        switch (m)
        {
            case LSTM lstm: { var (o, h, cc) = lstm.forward(x); return o; }
            case GRU gru: { var (o, h) = gru.forward(x, null); return o; }
            case RNN rnn: { var (o, h) = rnn.forward(x, null); return o; }
            default: throw new InvalidOperationException();
        }
    }

    // Runs call until at least minReps and at least minSeconds; returns per-call ms.
    record struct M(double First, double Median, double Min, int Reps, double CpuMedian, double SelfCores, double ForeignCores, double P10, double P90);
    static readonly bool Dump = Environment.GetEnvironmentVariable("ANCHOR_DUMP") == "1";

    static double Med(List<double> v) { v.Sort(); return v.Count % 2 == 1 ? v[v.Count / 2] : 0.5 * (v[v.Count / 2 - 1] + v[v.Count / 2]); }

    // Runs call until at least minReps AND at least minSeconds; returns per-call ms (wall) and calling-thread CPU ms.
    // Other jobs may share this 2-core VM: wait for quiet, and retry (up to Load.Attempts) when other processes
    // used more than Load.MaxForeign cores during the measurement; keep the least-disturbed attempt.
    static M Measure(Action call, int minReps = 20, double minSeconds = 2.0, int warmup = 3)
    {
        M best = default; bool have = false; double firstCall = double.NaN;
        for (int attempt = 0; attempt < Load.Attempts; attempt++)
        {
            Load.WaitQuiet();
            var m = MeasureOnce(call, minReps, minSeconds, attempt == 0 ? warmup : 1, out double first);
            if (attempt == 0) firstCall = first;
            if (!have || m.ForeignCores < best.ForeignCores) { best = m; have = true; }
            if (m.ForeignCores <= Load.MaxForeign) break;
            Console.WriteLine($"# disturbed (foreign_cores={m.ForeignCores:F2}, median={m.Median:F4} ms), retrying");
        }
        return best with { First = firstCall };
    }

    static M MeasureOnce(Action call, int minReps, double minSeconds, int warmup, out double first)
    {
        var sw = Stopwatch.StartNew();
        call();
        first = sw.Elapsed.TotalMilliseconds;
        for (int i = 0; i < warmup; i++) call();
        var times = new List<double>();
        var cpus = new List<double>();
        var l0 = Load.Snap();
        var total = Stopwatch.StartNew();
        while (times.Count < minReps || total.Elapsed.TotalSeconds < minSeconds)
        {
            double c0 = Load.ThreadCpu();
            long t0 = Stopwatch.GetTimestamp();
            call();
            long t1 = Stopwatch.GetTimestamp();
            double c1 = Load.ThreadCpu();
            times.Add((t1 - t0) * 1000.0 / Stopwatch.Frequency);
            cpus.Add((c1 - c0) * 1000.0);
            if (times.Count >= 1_000_000) break;
        }
        var l1 = Load.Snap();
        if (Dump) Console.WriteLine("# raw ms: " + string.Join(" ", times.Take(400).Select(t => t.ToString("F2"))));
        double min = times.Min();
        var sorted = times.OrderBy(t => t).ToList();
        double p10 = sorted[(int)(0.10 * (sorted.Count - 1))], p90 = sorted[(int)(0.90 * (sorted.Count - 1))];
        return new M(first, Med(times), min, times.Count, Med(cpus), Load.Self(l0, l1), Load.Foreign(l0, l1), p10, p90);
    }

    public static void Run(string[] only, int threads)
    {
        Console.WriteLine("RESULT-HEADER bench threads cell config mode first_call_ms median_ms min_ms reps fwd_gflop gflops main_thread_cpu_median_ms process_cores foreign_cores p10_ms p90_ms");
        foreach (var c in Configs)
        {
            if (!only.Contains(c.Name)) continue;
            foreach (var cell in new[] { "RNN", "LSTM", "GRU" })
            {
                torch.manual_seed(1);
                var m = Make(cell, c);
                var x = torch.randn(c.Seq, c.Batch, c.Input);
                double ff = FwdFlops(cell, c);

                // training step: forward + backward of sum(outputs), grads cleared (set to None) each call
                var tr = Measure(() =>
                {
                    using var scope = torch.NewDisposeScope();
                    m.zero_grad();
                    var o = Fwd(m, x);
                    o.sum().backward();
                });
                Report(threads, cell, c.Name, "train", tr, ff, 3 * ff);

                // inference: forward only under no_grad
                var inf = Measure(() =>
                {
                    using var ng = torch.no_grad();
                    using var scope = torch.NewDisposeScope();
                    Fwd(m, x);
                });
                Report(threads, cell, c.Name, "infer", inf, ff, ff);
                m.zero_grad();
                x.Dispose();
                m.Dispose();
            }
        }

        if (only.Contains("stream")) Streaming(threads);
    }

    static void Report(int threads, string cell, string cfg, string mode, M r, double fwdFlops, double flops)
    {
        double gflops = flops / (r.Median * 1e-3) / 1e9;
        Console.WriteLine($"RESULT bench {threads} {cell} {cfg} {mode} {r.First:F3} {r.Median:F4} {r.Min:F4} {r.Reps} {fwdFlops / 1e9:F6} {gflops:F3} {r.CpuMedian:F4} {r.SelfCores:F2} {r.ForeignCores:F2} {r.P10:F4} {r.P90:F4}");
    }

    // LSTM input 32, hidden 256, batch 1, one step at a time with carried (h, c), no_grad; 10,000 timed steps.
    static void Streaming(int threads)
    {
        const int steps = 10_000, warm = 500;
        const long inp = 32, hid = 256;
        foreach (var kind in new[] { "LSTM", "LSTMCell", "GRU", "RNN" })
        for (int attempt = 0; attempt < Load.Attempts; attempt++)
        {
            Load.WaitQuiet();
            torch.manual_seed(1);
            using var ng = torch.no_grad();
            using var xsAll = torch.randn(steps + warm, 1, 1, inp);
            var xs = new Tensor[steps + warm];
            for (int i = 0; i < xs.Length; i++) xs[i] = kind == "LSTMCell" ? xsAll[i].view(1, inp) : xsAll[i];
            var lat = new double[steps];
            double first = 0;
            var l0 = Load.Snap(); double cpu0 = 0;
            int gates = kind.StartsWith("LSTM") ? 4 : kind == "GRU" ? 3 : 1;
            double ff = 2.0 * 1 * (inp + hid) * gates * hid;
            if (kind == "LSTM")
            {
                var m = nn.LSTM(inp, hid);
                Tensor h = torch.zeros(1, 1, hid), c = torch.zeros(1, 1, hid);
                for (int i = 0; i < xs.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var (o, h2, c2) = m.forward(xs[i], (h, c));
                    long t1 = Stopwatch.GetTimestamp();
                    o.Dispose(); h.Dispose(); c.Dispose(); h = h2; c = c2;
                    double us = (t1 - t0) * 1e6 / Stopwatch.Frequency;
                    if (i == 0) first = us;
                    if (i >= warm) lat[i - warm] = us;
                    if (i == warm - 1) { cpu0 = Load.ThreadCpu(); l0 = Load.Snap(); }
                }
                h.Dispose(); c.Dispose(); m.Dispose();
            }
            else if (kind == "LSTMCell")
            {
                var m = nn.LSTMCell(inp, hid);
                Tensor h = torch.zeros(1, hid), c = torch.zeros(1, hid);
                for (int i = 0; i < xs.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var (h2, c2) = m.forward(xs[i], (h, c));
                    long t1 = Stopwatch.GetTimestamp();
                    h.Dispose(); c.Dispose(); h = h2; c = c2;
                    double us = (t1 - t0) * 1e6 / Stopwatch.Frequency;
                    if (i == 0) first = us;
                    if (i >= warm) lat[i - warm] = us;
                    if (i == warm - 1) { cpu0 = Load.ThreadCpu(); l0 = Load.Snap(); }
                }
                h.Dispose(); c.Dispose(); m.Dispose();
            }
            else
            {
                nn.Module m = kind == "GRU" ? nn.GRU(inp, hid) : nn.RNN(inp, hid);
                Tensor h = torch.zeros(1, 1, hid);
                for (int i = 0; i < xs.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var (o, h2) = m is GRU g ? g.forward(xs[i], h) : ((RNN)m).forward(xs[i], h);
                    long t1 = Stopwatch.GetTimestamp();
                    o.Dispose(); h.Dispose(); h = h2;
                    double us = (t1 - t0) * 1e6 / Stopwatch.Frequency;
                    if (i == 0) first = us;
                    if (i >= warm) lat[i - warm] = us;
                    if (i == warm - 1) { cpu0 = Load.ThreadCpu(); l0 = Load.Snap(); }
                }
                h.Dispose(); m.Dispose();
            }
            double cpuPerStepUs = (Load.ThreadCpu() - cpu0) * 1e6 / steps; var l1 = Load.Snap();
            foreach (var t in xs) t.Dispose();
            Array.Sort(lat);
            double med = lat[steps / 2 - 1] * 0.5 + lat[steps / 2] * 0.5;
            double p90 = lat[(int)(steps * 0.90)], p99 = lat[(int)(steps * 0.99)];
            double gflops = ff / (med * 1e-6) / 1e9;
            Console.WriteLine($"RESULT stream {threads} {kind} in{inp}_h{hid}_b1 step first_us={first:F1} median_us={med:F2} p90_us={p90:F2} p99_us={p99:F2} min_us={lat[0]:F2} steps={steps} gflops={gflops:F3} mean_cpu_us={cpuPerStepUs:F2} foreign_cores={Load.Foreign(l0, l1):F2} attempt={attempt}");
            if (Load.Foreign(l0, l1) <= Load.MaxForeign) break;
            Console.WriteLine("# disturbed, retrying");
        }
    }
}

// ----------------------------------------------------------------------------------------------
// Contention accounting: this VM has 2 cores and may be shared with other jobs.
// ----------------------------------------------------------------------------------------------
static class Load
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    struct Timespec { public long tv_sec; public long tv_nsec; }
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int clock_gettime(int clk, out Timespec ts);
    const int CLOCK_THREAD_CPUTIME_ID = 3;

    /// <summary>CPU time consumed by the calling thread, in seconds.</summary>
    public static double ThreadCpu() { clock_gettime(CLOCK_THREAD_CPUTIME_ID, out var t); return t.tv_sec + t.tv_nsec * 1e-9; }

    /// <summary>(machine busy jiffies, this process's jiffies, wall timestamp)</summary>
    public static (long busy, long self, long ts) Snap()
    {
        long busy = 0, self = 0;
        try
        {
            var first = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long total = 0; for (int i = 1; i < first.Length && i <= 8; i++) total += long.Parse(first[i]);
            busy = total - long.Parse(first[4]) - long.Parse(first[5]);
            var st = File.ReadAllText("/proc/self/stat");
            var f = st[(st.LastIndexOf(')') + 2)..].Split(' ');
            self = long.Parse(f[11]) + long.Parse(f[12]); // utime, stime (fields 14,15)
        }
        catch { }
        return (busy, self, Stopwatch.GetTimestamp());
    }

    /// <summary>Average number of cores used by OTHER processes between two snaps (USER_HZ=100).</summary>
    public static double Foreign((long busy, long self, long ts) a, (long busy, long self, long ts) b)
    {
        double sec = (b.ts - a.ts) / (double)Stopwatch.Frequency;
        if (sec <= 0) return 0;
        return Math.Max(0, ((b.busy - a.busy) - (b.self - a.self)) / 100.0 / sec);
    }
    // A measurement counts as disturbed when other processes used more cores than are left over after our
    // own threads (2-core VM): threads=1 tolerates one busy neighbour core, threads=2 tolerates ~none.
    public static int Threads = 1;
    public static double MaxForeign => double.Parse(Environment.GetEnvironmentVariable("ANCHOR_MAX_FOREIGN")
        ?? (Environment.ProcessorCount - Threads + 0.25).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    public static int Attempts = int.Parse(Environment.GetEnvironmentVariable("ANCHOR_ATTEMPTS") ?? "3");
    static double waitBudgetS = double.Parse(Environment.GetEnvironmentVariable("ANCHOR_WAIT_BUDGET_S") ?? "150", CultureInfo.InvariantCulture);

    /// <summary>Wait (up to maxWaitS, and within a per-process budget) until other processes leave enough
    /// cores free for our threads, measured over a 0.5 s probe. Returns seconds waited.</summary>
    public static double WaitQuiet(double maxWaitS = 30)
    {
        double threshold = Environment.ProcessorCount - Threads + 0.15;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < Math.Min(maxWaitS, waitBudgetS))
        {
            var a = Snap(); Thread.Sleep(500); var b = Snap();
            if (Foreign(a, b) < threshold) break;
        }
        waitBudgetS -= sw.Elapsed.TotalSeconds;
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Average number of cores used by THIS process between two snaps.</summary>
    public static double Self((long busy, long self, long ts) a, (long busy, long self, long ts) b)
    {
        double sec = (b.ts - a.ts) / (double)Stopwatch.Frequency;
        return sec <= 0 ? 0 : (b.self - a.self) / 100.0 / sec;
    }
}
