using System.CommandLine;
using Recur.Cli.Commands;

namespace Recur.Cli;

/// <summary>The <c>recur</c> command: one subcommand per job, each in Commands/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Recur: recurrent neural networks for .NET, with PyTorch's semantics")
        {
            SineCommand.Create(),
            ParityCommand.Create(),
            BenchCommand.Create(),
            ForecastCommand.Create(),
            PredictCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
