using System.Text.Json;
using Recur.Cli.Bench;
using Recur.Tests.Data;
using Recur.Kernels;

namespace Recur.Tests.Cli;

/// <summary>
/// <c>recur bench --json</c> keeps the fields scripts read and adds allocation, collections and tokens/s
/// (nothing here is timed: only the report's shape is checked).
/// </summary>
[Collection("console")]
public class BenchCommandTests
{
    [Fact]
    public void JsonKeepsItsFieldsAndAddsAllocationAndCollections()
    {
        int threads = KernelOptions.MaxThreads;
        try
        {
            var (code, output, _) = CommandTests.Run("bench", "--quick", "--json", "--only", "tiny-rnn-infer,charlm-sample");
            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
            var root = doc.RootElement;
            Assert.Contains(Environment.ProcessorCount + " cores", root.GetProperty("machine").GetString());
            // The width the kernels run on (RECUR_VECTOR=256 runs the AVX2 path on an AVX-512 CPU), not only what the CPU has.
            Assert.Contains($"kernels on {Gates.VectorBits switch { 512 => "Vector512", 256 => "Vector256", _ => "scalar" }}",
                root.GetProperty("machine").GetString());
            Assert.Equal(1, root.GetProperty("threads").GetInt32());
            Assert.True(root.GetProperty("peak_gflops").GetDouble() > 0);
            var rows = root.GetProperty("workloads").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
            Assert.Equal(new[] { "charlm-sample", "tiny-rnn-infer" }, rows.Keys.Order());
            foreach (var w in rows.Values)
            {
                foreach (var field in new[] { "median_ms", "min_ms", "max_ms", "gflops", "alloc_bytes_per_call", "percent_of_peak" })
                    Assert.True(w.GetProperty(field).GetDouble() >= 0, field);
                foreach (var field in new[] { "gc_gen0", "gc_gen1", "gc_gen2" })
                    Assert.True(w.GetProperty(field).GetInt32() >= 0, field);
                Assert.False(string.IsNullOrEmpty(w.GetProperty("cell").GetString()));
                Assert.False(string.IsNullOrEmpty(w.GetProperty("mode").GetString()));
            }
            Assert.True(rows["charlm-sample"].GetProperty("tokens_per_s").GetDouble() > 0);
            Assert.Equal(JsonValueKind.Null, rows["tiny-rnn-infer"].GetProperty("tokens_per_s").ValueKind);
        }
        finally { KernelOptions.MaxThreads = threads; }
    }

    [Fact]
    public void ComparisonRunsBothSidesPerWorkloadInRoundsAndCombinesTheirMedians()
    {
        if (!File.Exists("/usr/bin/python3")) return; // the stand-in below is a Python script (CI installs python3)
        using var dir = new TempDirectory();
        string log = Path.Combine(dir.Path, "calls.log");
        // A stand-in for the other side: logs each launch's --only and answers 1 ms, then 3 ms, for the same workload.
        string script = dir.Write("other.py", $$"""
            import json, sys
            only = sys.argv[sys.argv.index("--only") + 1]
            with open({{JsonSerializer.Serialize(log)}}, "a") as f: f.write(only + "\n")
            n = sum(1 for l in open({{JsonSerializer.Serialize(log)}}) if l.strip() == only)
            ms = 1.0 if n == 1 else 3.0
            print(json.dumps({"torch": "stand-in", "blas": "none", "threads": 1, "workloads": [
                {"name": only, "median_ms": ms, "min_ms": ms / 2, "max_ms": ms * 2, "reps": 4}]}))
            """);
        int threads = KernelOptions.MaxThreads;
        try
        {
            var (code, output, err) = CommandTests.Run("bench", "--quick", "--json", "--only", "tiny-rnn-infer,tiny-gru-infer",
                "--compare", "pytorch", "--pytorch-script", script, "--rounds", "2");
            Assert.True(code == 0, err);
            // One launch per workload and round, each asking for that workload alone, the rounds of a workload together.
            Assert.Equal(new[] { "tiny-gru-infer", "tiny-gru-infer", "tiny-rnn-infer", "tiny-rnn-infer" }, File.ReadAllLines(log));
            Assert.Contains("back to back, 2 round(s)", output);
            using var doc = JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
            Assert.Equal(2, doc.RootElement.GetProperty("rounds").GetInt32());
            foreach (var w in doc.RootElement.GetProperty("workloads").EnumerateArray())
            {
                Assert.Equal(2.0, w.GetProperty("pytorch_median_ms").GetDouble()); // the median of 1 and 3
                Assert.True(w.GetProperty("reps").GetInt32() >= 2 * 3);            // Recur's two quick rounds of ≥ 3 calls
            }
        }
        finally { KernelOptions.MaxThreads = threads; }
    }

    [Fact]
    public void RoundsCombineAsTheMedianOfTheirMedians()
    {
        var t = Timing.Combine(new[]
        {
            new Timing(2, 1, 5, 10) { AllocBytesPerCall = 100, Gen0 = 1 },
            new Timing(6, 0.5, 7, 12) { AllocBytesPerCall = 300, Gen0 = 2, Gen2 = 1 },
            new Timing(3, 2, 4, 8) { AllocBytesPerCall = 200 },
        });
        Assert.Equal((3.0, 0.5, 7.0, 30), (t.MedianMs, t.MinMs, t.MaxMs, t.Reps));
        Assert.Equal((200.0, 3, 0, 1), (t.AllocBytesPerCall!.Value, t.Gen0, t.Gen1, t.Gen2));
        var one = new Timing(1, 1, 1, 1);
        Assert.Same(one, Timing.Combine(new[] { one }));
        Assert.Equal(2, CommandTests.Run("bench", "--rounds", "0").Code);
    }

    [Fact]
    public void AnUnknownComparisonIsRejected()
    {
        var (code, _, err) = CommandTests.Run("bench", "--compare", "tensorflow");
        Assert.NotEqual(0, code);
        Assert.Contains("libtorch", err);
    }
}
