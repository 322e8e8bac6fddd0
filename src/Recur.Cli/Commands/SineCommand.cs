using System.CommandLine;

namespace Recur.Cli.Commands;

public static class SineCommand
{
    public static Command Create()
    {
        var cmd = new Command("sine", "Train the seed tutorial's sine-wave RNN and plot its free-running generation");
        cmd.SetAction(_ => 0);
        return cmd;
    }
}
