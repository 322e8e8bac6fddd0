using System.Text.Json;
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
    public void AnUnknownComparisonIsRejected()
    {
        var (code, _, err) = CommandTests.Run("bench", "--compare", "tensorflow");
        Assert.NotEqual(0, code);
        Assert.Contains("libtorch", err);
    }
}
