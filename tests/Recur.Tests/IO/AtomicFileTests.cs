using System.Diagnostics;
using Recur.IO;
using Recur.PersistCheck;
using Xunit.Abstractions;

namespace Recur.Tests.IO;

public sealed class AtomicFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recur-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Temps() => Directory.GetFiles(_dir, "*" + AtomicFile.TempSuffix);

    [Fact]
    public void A_failing_write_keeps_the_old_file_and_leaves_no_temp()
    {
        string path = Path.Combine(_dir, "f.bin");
        AtomicFile.WriteAllText(path, "old");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("boom", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Empty(Temps());
    }

    [Fact]
    public void A_save_removes_temp_files_of_dead_processes_and_keeps_live_ones()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        // pid 2^22+1 is above Linux's pid_max default range; a dead writer's leftover. Our own pid: a save in progress.
        string dead = Path.Combine(_dir, $".model.safetensors.{(1 << 22) + 1}.0123456789abcdef{AtomicFile.TempSuffix}");
        string live = Path.Combine(_dir, $".model.safetensors.{Environment.ProcessId}.0123456789abcdef{AtomicFile.TempSuffix}");
        string other = Path.Combine(_dir, $".other.bin.{(1 << 22) + 1}.0123456789abcdef{AtomicFile.TempSuffix}");
        foreach (var f in new[] { dead, live, other }) File.WriteAllText(f, "partial");
        Safetensors.Save(path, new[] { new NamedTensorData("w", new[] { 2 }, new[] { 1f, 2f }) });
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other)); // another target's temp files are that target's business
        Assert.Equal(new[] { 1f, 2f }, Safetensors.Load(path)["w"].Data);
    }

    [Fact]
    public void Missing_folder_is_a_clear_error()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(Path.Combine(_dir, "no", "f.txt"), "x"));
        Assert.Contains("does not exist", e.Message);
    }

    /// <summary>
    /// SIGKILL a child process while it saves a 4 MB file over and over: after every kill the target is a complete
    /// old or new version, and the next save leaves no temporary file. RECUR_KILL_RUNS sets the number of kills (20 by default).
    /// </summary>
    [Fact]
    public void Kill_9_during_saves_never_loses_the_file_or_leaves_a_temp()
    {
        int runs = int.TryParse(Environment.GetEnvironmentVariable("RECUR_KILL_RUNS"), out int n) ? n : 20;
        string path = Path.Combine(_dir, "model.safetensors");
        SaveLoop.Run(path, 0, 1);
        var rng = new Random(9);
        int last = 0, landedInWrite = 0;
        for (int run = 0; run < runs; run++)
        {
            using var p = Process.Start(ChildProcess.Info("save-loop", path, (last + 1).ToString(), "1000000"))!;
            // Wait until it has saved at least once, then kill it at a random moment inside the following saves.
            string? line = p.StandardOutput.ReadLine();
            Assert.True(line != null && line.StartsWith("saved "), $"child said '{line}', stderr: {(line == null ? p.StandardError.ReadToEnd() : "")}");
            Thread.Sleep(rng.Next(0, 40));
            p.Kill(entireProcessTree: false); // SIGKILL on Unix
            p.WaitForExit();
            int version = SaveLoop.Verify(path); // throws unless the file is one complete version
            Assert.True(version > last, $"run {run}: version {version} after {last}");
            if (Temps().Length > 0) landedInWrite++;
            last = version;
        }
        SaveLoop.Run(path, last + 1, 1); // the next save cleans what the kills left
        Assert.Empty(Temps());
        Assert.Equal(last + 1, SaveLoop.Verify(path));
        // A save is a 4 MB write and two fsyncs back to back, so kills land inside one: the test did exercise a torn save.
        Assert.True(landedInWrite >= 1, $"none of {runs} kills interrupted a save");
        output.WriteLine($"{runs} kills, {landedInWrite} inside a save; every file complete, versions 0..{last + 1}, no temp left");
    }
}
