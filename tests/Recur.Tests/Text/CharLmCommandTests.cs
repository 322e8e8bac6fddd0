using System.Text;
using System.Text.Json;
using Recur.Tests.Data;
using Recur.Tests.Forecast;

namespace Recur.Tests.Text;

public class CharLmCommandTests
{
    [Fact]
    public void TrainThenSampleStreamsTextFromThePrompt()
    {
        using var dir = new TempDirectory();
        var text = dir.Write("play.txt", CharLmTrainerTests.TinyText());
        var model = Path.Combine(dir.Path, "m.safetensors");
        var train = CliRunner.Run("charlm", "train", "--text", text, "--out", model, "--steps", "30", "--embedding", "8", "--hidden", "16",
            "--seq-len", "16", "--batch-size", "4", "--evaluations", "2", "--json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        using var json = JsonDocument.Parse(train.LastLine);
        Assert.Equal(30, json.RootElement.GetProperty("steps").GetInt32());
        Assert.Contains("best validation loss:", train.Stdout);
        Assert.True(File.Exists(model));
        Assert.True(File.Exists(Path.Combine(dir.Path, "m.loss.png")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "m.ckpt.safetensors")));

        var sample = CliRunner.Run("charlm", "sample", "--model", model, "--prompt", "ROMEO:", "--length", "40", "--seed", "3");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.StartsWith("ROMEO:", sample.Stdout);
        Assert.Equal(6 + 40, sample.Stdout.TrimEnd('\n').Length);
        var again = CliRunner.Run("charlm", "sample", "--model", model, "--prompt", "ROMEO:", "--length", "40", "--seed", "3", "--top-k", "5");
        Assert.Equal(0, again.ExitCode);

        var unseen = CliRunner.Run("charlm", "sample", "--model", model, "--prompt", "ROMÉO");
        Assert.Equal(2, unseen.ExitCode);
        Assert.Contains("'É' (U+00C9)", unseen.Stderr);
        Assert.Equal("", unseen.Stdout);
        var cold = CliRunner.Run("charlm", "sample", "--model", model, "--prompt", "ROMEO:", "--temperature", "-1");
        Assert.Equal(2, cold.ExitCode);
        Assert.Contains("--temperature must be positive (or 0", cold.Stderr);
        Assert.Equal("", cold.Stdout); // checked before the prompt is printed
        var typo = CliRunner.Run("charlm", "sample", "--model", model, "--prime", "x");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("(see 'recur charlm sample --help')", typo.Stderr);

        var resumed = CliRunner.Run("charlm", "train", "--text", text, "--out", model, "--resume", Path.Combine(dir.Path, "m.ckpt.safetensors"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr); // the run had finished: nothing left, it validates and ends
        Assert.Contains("resuming", resumed.Stdout);
    }

    [Fact]
    public void BadTextFilesAreOneLineErrors()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "m.safetensors");
        var empty = CliRunner.Run("charlm", "train", "--text", dir.Write("empty.txt", ""), "--out", model);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("is empty", empty.Stderr);

        var binary = CliRunner.Run("charlm", "train", "--text", dir.WriteBytes("x.bin", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]), "--out", model);
        Assert.Equal(2, binary.ExitCode);
        Assert.Contains("not UTF-8 text", binary.Stderr);

        var shortText = CliRunner.Run("charlm", "train", "--text", dir.Write("short.txt", "To be or not to be"), "--out", model);
        Assert.Equal(2, shortText.ExitCode);
        Assert.Contains("too short", shortText.Stderr);
        Assert.Contains("needs at least", shortText.Stderr);

        var missing = CliRunner.Run("charlm", "sample", "--model", Path.Combine(dir.Path, "none.safetensors"));
        Assert.Equal(2, missing.ExitCode);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void WithoutAPromptATextWithNoNewLineStartsFromItsFirstCharacter()
    {
        using var dir = new TempDirectory();
        var text = dir.Write("line.txt", string.Concat(Enumerable.Repeat("abcab", 60))); // no '\n' anywhere
        var model = Path.Combine(dir.Path, "m.safetensors");
        var train = CliRunner.Run("charlm", "train", "--text", text, "--out", model, "--steps", "5", "--embedding", "4", "--hidden", "8",
            "--layers", "1", "--seq-len", "8", "--batch-size", "2", "--evaluations", "1");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var greedy = CliRunner.Run("charlm", "sample", "--model", model, "--length", "12", "--temperature", "0");
        Assert.True(greedy.ExitCode == 0, greedy.Stderr);
        Assert.StartsWith("a", greedy.Stdout);
        Assert.Equal(1 + 12, greedy.Stdout.TrimEnd('\n').Length);
        Assert.Equal(greedy.Stdout, CliRunner.Run("charlm", "sample", "--model", model, "--length", "12", "--temperature", "0", "--seed", "7").Stdout);
    }
}
