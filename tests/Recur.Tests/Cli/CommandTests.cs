using System.Text.Json;

namespace Recur.Tests.Cli;

/// <summary>The commands as a user runs them: arguments in, exit code and output lines out.</summary>
[Collection("console")]
public class CommandTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            int code = Recur.Cli.Program.Main(args);
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name + ".json");

    [Fact]
    public void ParityPassesAndExitsZero()
    {
        var (code, output, _) = Run("parity", Golden("rnn_seed_shapes"), Golden("adam_default"));
        Assert.Equal(0, code);
        Assert.Contains("rnn_seed_shapes", output);
        Assert.Contains("h_n=", output);
        Assert.EndsWith("PASS", output.Split('\n')[0].Trim());
        Assert.Contains("2/2 cases passed", output);
    }

    [Fact]
    public void ParityFailsOnAMalformedFileByName()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{\"name\": 3");
        try
        {
            var (code, output, _) = Run("parity", Golden("gru_basic"), bad);
            Assert.Equal(1, code);
            Assert.Contains(Path.GetFileName(bad), output);
            Assert.Contains("ERROR", output);
            Assert.DoesNotContain("   at ", output); // no stack trace
        }
        finally { File.Delete(bad); }
    }

    [Fact]
    public void SineWritesPlotAndJsonSummary()
    {
        var plot = Path.Combine(Path.GetTempPath(), $"sine-{Guid.NewGuid():N}.png");
        try
        {
            var (code, output, _) = Run("sine", "--iterations", "300", "--seed", "3", "--clip", "5", "--plot", plot, "--json");
            Assert.Equal(0, code);
            Assert.Contains("iteration :200 loss", output);
            Assert.Contains("grad_norm", output);
            var last = output.Trim().Split('\n')[^1];
            var json = JsonDocument.Parse(last).RootElement;
            Assert.Equal(300, json.GetProperty("iterations").GetInt32());
            foreach (var key in new[] { "train_seconds", "final_loss", "generation_rmse" })
                Assert.True(json.GetProperty(key).GetDouble() > 0, key);
            Assert.Equal(plot, json.GetProperty("plot").GetString());
            Assert.True(new FileInfo(plot).Length > 10_000);
            Assert.Equal(0x89, File.ReadAllBytes(plot)[0]); // PNG signature
        }
        finally { File.Delete(plot); }
    }

    [Fact]
    public void BadArgumentsAreOneLineAndExitTwo()
    {
        var (code, _, err) = Run("sine", "--iterations", "0");
        Assert.Equal(2, code);
        Assert.Equal("error: --iterations must be at least 1, got 0", err.Trim());
        var (code2, _, err2) = Run("sine", "--iterations", "5", "--plot", "/no/such/folder/x.png");
        Assert.Equal(2, code2);
        Assert.Single(err2.Trim().Split('\n'));
    }
}

[Collection("console")]
public class ExampleTests
{
    [Fact]
    public void RepresentationExampleRuns()
    {
        var old = Console.Out;
        var o = new StringWriter();
        Console.SetOut(o);
        int code;
        try { code = Recur.Examples.Representation.Program.Main(); }
        finally { Console.SetOut(old); }
        Assert.Equal(0, code);
        var text = o.ToString();
        Assert.Contains("one-hot:   [5, 100]", text);
        Assert.Contains("embedded:  [5, 2]", text);
        Assert.Contains("LSTM(100, 20, batch_first=True): output [2, 5, 20]", text);
    }
}

[Collection("console")]
public class CommandLineErrorTests
{
    [Theory]
    [InlineData("sine --iterations abc", "Cannot parse argument 'abc' for option '--iterations'")]
    [InlineData("sine --bogus", "Unrecognized command or argument '--bogus'")]
    [InlineData("sine --cell xyz", "Argument 'xyz' not recognized. Must be one of: 'rnn' 'lstm' 'gru'")]
    [InlineData("parity", "Required argument missing for command: 'parity'")]
    public void MalformedCommandLinesAreOneLineAndExitTwo(string line, string expected)
    {
        var (code, _, err) = CommandTests.Run(line.Split(' '));
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(expected, err);
    }
}
