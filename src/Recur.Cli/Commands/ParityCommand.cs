using System.CommandLine;
using System.Globalization;
using Recur.Parity;
using Spectre.Console;

namespace Recur.Cli.Commands;

/// <summary><c>recur parity FILE...</c>: runs golden cases made with PyTorch and reports the error per tensor.</summary>
internal static class ParityCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "golden case files (JSON) or folders of them", Arity = ArgumentArity.OneOrMore };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print every compared tensor, not only the worst" };
        var cmd = new Command("parity", "Check Recur against PyTorch golden cases: one line per case, exit code 0 only if all pass") { files, verbose };
        cmd.SetAction(r => Run(r.GetValue(files)!, r.GetValue(verbose)));
        return cmd;
    }

    public static int Run(string[] inputs, bool verbose)
    {
        var paths = new List<string>();
        foreach (var p in inputs)
        {
            if (Directory.Exists(p)) paths.AddRange(Directory.GetFiles(p, "*.json").Order(StringComparer.Ordinal));
            else paths.Add(p);
        }
        if (paths.Count == 0)
        {
            Console.Error.WriteLine("error: no golden case files given");
            return 2;
        }
        int passed = 0;
        foreach (var path in paths)
        {
            var r = GoldenRunner.Run(path);
            if (r.Status == CaseStatus.Pass) passed++;
            Console.WriteLine(FormatLine(r));
            if (verbose || r.Status == CaseStatus.Fail)
                foreach (var k in r.Checks.Where(k => verbose || !k.Pass))
                    Console.WriteLine($"    {k.Name,-40} max|err| = {Fmt(k.MaxAbsError)}  {(k.Pass ? "ok" : "FAIL")}");
        }
        Console.WriteLine($"{passed}/{paths.Count} cases passed" + (passed == paths.Count ? "" : $", {paths.Count - passed} did not"));
        return passed == paths.Count ? 0 : 1;
    }

    /// <summary>name, max |error| per tensor, then PASS / FAIL / UNSUPPORTED / ERROR.</summary>
    internal static string FormatLine(CaseResult r)
    {
        string status = r.Status switch
        {
            CaseStatus.Pass => "PASS",
            CaseStatus.Fail => "FAIL",
            CaseStatus.Unsupported => "UNSUPPORTED",
            _ => "ERROR",
        };
        if (r.Status is CaseStatus.Unsupported or CaseStatus.Error) return $"{r.Name}  {status}: {r.Message}";
        var errs = string.Join(" ", r.Checks.Select(k => $"{Short(k.Name)}={Fmt(k.MaxAbsError)}"));
        return $"{r.Name}  {errs}  {status}";
    }

    private static string Short(string name) => name.Replace("outputs.", "").Replace("grads.", "d:").Replace("params_after_step", "p");

    private static string Fmt(double v) => v.ToString("0.0e+0", CultureInfo.InvariantCulture);
}
