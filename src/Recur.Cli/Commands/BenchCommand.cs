using System.CommandLine;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Recur.Cli.Bench;
using Recur.Kernels;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur bench</c>: the performance workloads of issue 4, optionally side by side with PyTorch in the same run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "threads for Recur's kernels (and PyTorch's)", DefaultValueFactory = _ => 1 };
        var only = new Option<string?>("--only") { Description = "workloads to run: a comma list of names or substrings (e.g. tiny,sgemm-1024)" };
        var compare = new Option<string?>("--compare") { Description = "also run the same workloads with another framework in this run: pytorch" };
        compare.AcceptOnlyFromAmong("pytorch");
        var quick = new Option<bool>("--quick") { Description = "fewer repetitions (0.3 s per workload)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object with a workloads array on the last line" };
        var script = new Option<string>("--pytorch-script") { Description = "the PyTorch side", DefaultValueFactory = _ => Path.Combine("bench", "pytorch_bench.py") };
        var cmd = new Command("bench", "Time Recur on the issue-4 workloads (median/min/max, GFLOP/s, fraction of measured FMA peak)")
        {
            threads, only, compare, quick, json, script,
        };
        cmd.SetAction(r => Cli.Guard(() => Run(r.GetValue(threads), r.GetValue(only), r.GetValue(compare), r.GetValue(quick), r.GetValue(json), r.GetValue(script)!)));
        return cmd;
    }

    private static int Run(int threads, string? only, string? compare, bool quick, bool json, string script)
    {
        if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}");
        KernelOptions.MaxThreads = threads;
        var workloads = Select(Workloads.All(), only).ToList();
        if (workloads.Count == 0)
            throw new ArgumentException($"--only '{only}' matches no workload; names: {string.Join(", ", Workloads.All().Select(w => w.Name))}");

        var runner = new BenchRunner { BudgetSeconds = quick ? 0.3 : 1.5, MinReps = quick ? 3 : 5 };
        // Best of five short runs: a busy neighbour on the shared cores only ever lowers a reading.
        double peak = Enumerable.Range(0, 5).Max(_ => Peak.MeasureFmaGflops(threads, TimeSpan.FromSeconds(0.15)));
        string machine = $"{CpuName()}, {Environment.ProcessorCount} cores, {VectorWidth()}, .NET {Environment.Version}";
        Console.WriteLine($"recur bench: {machine}; {threads} thread(s); measured FMA peak {peak:0.0} GFLOP/s");

        var results = new List<(Workload W, Timing T)>();
        foreach (var w in workloads)
        {
            var t = runner.Run(w);
            results.Add((w, t));
            if (!json) Console.WriteLine($"  {w.Name,-20} {Ms(t.MedianMs),10} ms  ({Gflops(w, t):0.00} GFLOP/s)");
        }

        PyTorchComparison.Result? torch = null;
        if (compare == "pytorch")
        {
            Console.WriteLine($"running {script} with /usr/bin/python3 (same workloads, {threads} thread(s))...");
            torch = PyTorchComparison.Run(script, threads, string.Join(",", workloads.Select(w => w.Name)), quick);
        }

        var table = new Table().Title($"[bold]Recur[/] on {Markup.Escape(machine)}, {threads} thread(s)" + (torch is null ? "" : $" vs PyTorch {Markup.Escape(torch.Torch)}"));
        table.AddColumns("workload", "median ms", "min ms", "max ms", "GFLOP/s", "% of peak", "target ms");
        if (torch != null) table.AddColumns("PyTorch median ms", "speed-up (×)");
        foreach (var (w, t) in results)
        {
            var row = new List<string>
            {
                w.Name, Ms(t.MedianMs), Ms(t.MinMs), Ms(t.MaxMs), $"{Gflops(w, t):0.00}", $"{100 * Gflops(w, t) / peak:0.0}",
                w.TargetMs is double target ? $"{Ms(target)} {(t.MedianMs <= target ? "[green]met[/]" : "[red]not met[/]")}" : "",
            };
            if (torch != null)
            {
                var p = torch.Workloads.GetValueOrDefault(w.Name);
                row.Add(p is null ? "-" : Ms(p.MedianMs));
                row.Add(p is null ? "-" : $"{p.MedianMs / t.MedianMs:0.00}");
            }
            table.AddRow(row.ToArray());
        }
        if (!Cli.Interactive) AnsiConsole.Profile.Width = 200; // piped: do not wrap the table at 80 columns
        AnsiConsole.Write(table);
        if (torch != null) Console.WriteLine($"PyTorch BLAS: {torch.Blas}");

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                machine,
                threads,
                peak_gflops = Math.Round(peak, 2),
                workloads = results.Select(r => new
                {
                    name = r.W.Name,
                    cell = r.W.Cell,
                    mode = r.W.Mode,
                    median_ms = r.T.MedianMs,
                    min_ms = r.T.MinMs,
                    max_ms = r.T.MaxMs,
                    gflops = Math.Round(Gflops(r.W, r.T), 3),
                    reps = r.T.Reps,
                    pytorch_median_ms = torch?.Workloads.GetValueOrDefault(r.W.Name)?.MedianMs,
                }),
                pytorch = torch is null ? null : new { torch = torch.Torch, blas = torch.Blas, threads = torch.Threads },
            }));
        return 0;
    }

    private static IEnumerable<Workload> Select(IEnumerable<Workload> all, string? only)
    {
        if (string.IsNullOrWhiteSpace(only)) return all;
        var keys = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return all.Where(w => keys.Any(k => w.Name == k || w.Name.Contains(k, StringComparison.OrdinalIgnoreCase)));
    }

    private static double Gflops(Workload w, Timing t) => w.Flops / (t.MedianMs * 1e-3) / 1e9;

    private static string Ms(double ms) => ms switch
    {
        < 0.01 => ms.ToString("0.0000", CultureInfo.InvariantCulture),
        < 1 => ms.ToString("0.000", CultureInfo.InvariantCulture),
        < 100 => ms.ToString("0.00", CultureInfo.InvariantCulture),
        _ => ms.ToString("0", CultureInfo.InvariantCulture),
    };

    private static string VectorWidth() =>
        Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2/256-bit" : "128-bit SIMD";

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
            if (line != null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString();
    }
}
