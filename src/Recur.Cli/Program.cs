using System.CommandLine;
using System.CommandLine.Help;
using Recur.Cli.Commands;

namespace Recur.Cli;

/// <summary>The <c>recur</c> command: one subcommand per job, each in Commands/.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        // A plain Command named "recur" rather than RootCommand, which takes its name from the assembly
        // (Recur.Cli): --help and the usage lines then say the command users type, installed as a tool or not.
        var root = new Command("recur", "Recur: recurrent neural networks for .NET, with PyTorch's semantics")
        {
            new HelpOption(),
            new VersionOption(),
            SineCommand.Create(),
            ParityCommand.Create(),
            BenchCommand.Create(),
            ForecastCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            CharLmCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A malformed command line is bad input like any other: one line, exit code 2.
            // The full path of the command (recur charlm sample), so the hint names the help that lists the option.
            var names = new List<string>();
            for (var c = parsed.CommandResult; c is not null && c.Command != root; c = c.Parent as System.CommandLine.Parsing.CommandResult)
                names.Insert(0, c.Command.Name);
            var command = string.Join(" ", names.Prepend("recur"));
            var message = string.Join("; ", parsed.Errors.Select(e => e.Message.Replace("\n\t", " ").ReplaceLineEndings(" ")));
            Console.Error.WriteLine($"error: {message} (see '{command} --help')");
            return 2;
        }
        return parsed.Invoke();
    }
}
