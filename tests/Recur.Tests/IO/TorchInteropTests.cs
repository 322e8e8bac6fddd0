using System.Diagnostics;
using Recur.IO;
using Recur.Nn;

namespace Recur.Tests.IO;

/// <summary>
/// Model files go both ways between Recur and PyTorch (tools/torch_interop.py): PyTorch's state dicts load into
/// Recur with strict checking and give PyTorch's outputs, and Recur's files load into PyTorch with
/// <c>load_state_dict(strict=True)</c> and give Recur's outputs, within 1e-5.
/// </summary>
public sealed class TorchInteropTests : IDisposable
{
    private const float Tol = 1e-5f;
    private readonly string _dir = Directory.CreateTempSubdirectory("recur-torch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", "torch");

    // The modules of tools/torch_interop.py, with their input shapes.
    public static TheoryData<string> Names => new() { "lstm", "gru", "rnn", "linear", "embedding" };

    private static Module Make(string name, Generator? rng = null) => name switch
    {
        "lstm" => new Lstm(3, 5, numLayers: 2, bidirectional: true, projSize: 2, rng: rng),
        "gru" => new Gru(3, 5, numLayers: 2, batchFirst: true, rng: rng),
        "rnn" => new Rnn(3, 5, nonlinearity: Nonlinearity.Relu, bidirectional: true, rng: rng),
        "linear" => new Linear(4, 3, rng: rng),
        "embedding" => new Embedding(10, 4, paddingIdx: 0, rng: rng),
        _ => throw new ArgumentException(name),
    };

    private static int[] InputShape(string name) => name switch
    {
        "gru" => new[] { 2, 4, 3 },
        "linear" => new[] { 2, 4 },
        "embedding" => new[] { 2, 3 },
        _ => new[] { 4, 2, 3 },
    };

    private static Dictionary<string, Tensor> Run(string name, Module m, Tensor x)
    {
        switch (m)
        {
            case Lstm l:
            {
                var (o, (h, c)) = l.Forward(x);
                return new() { ["output"] = o, ["h_n"] = h, ["c_n"] = c };
            }
            case Gru g:
            {
                var (o, h) = g.Forward(x);
                return new() { ["output"] = o, ["h_n"] = h };
            }
            case Rnn r:
            {
                var (o, h) = r.Forward(x);
                return new() { ["output"] = o, ["h_n"] = h };
            }
            case Linear lin:
                return new() { ["output"] = lin.Forward(x) };
            case Embedding e:
                return new() { ["output"] = e.Forward(new IndexTensor(x.ToArray().Select(v => (long)v).ToArray(), x.Shape)) };
            default:
                throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_pytorch_state_dict_loads_strictly_and_gives_pytorchs_outputs(string name)
    {
        var m = Make(name, new Generator(1));
        var meta = m.Load(Path.Combine(Fixtures, $"torch_{name}.safetensors"), strict: true);
        Assert.StartsWith("torch 1.13", meta["written_by"]);
        var io = Safetensors.Load(Path.Combine(Fixtures, $"torch_{name}.io.safetensors"));
        var ours = Run(name, m, Tensor.FromArray(io["input"].Data, io["input"].Shape));
        foreach (var (key, t) in ours)
        {
            Assert.Equal(io[key].Shape, t.Shape);
            float worst = t.ToArray().Zip(io[key].Data, (a, b) => MathF.Abs(a - b)).Max();
            Assert.True(worst <= Tol, $"{name} {key}: max |recur - torch| = {worst}");
        }
    }

    [Fact]
    public void Recur_files_load_into_pytorch_strictly_and_give_recurs_outputs()
    {
        var rng = new Generator(5);
        foreach (var name in Names)
        {
            var m = Make(name, rng);
            var shape = InputShape(name);
            var x = name == "embedding" ? Tensor.FromArray(Enumerable.Range(0, 6).Select(_ => (float)rng.NextInt(10)).ToArray(), shape) : Tensor.Randn(rng, shape);
            m.Save(Path.Combine(_dir, $"recur_{name}.safetensors"), new Dictionary<string, string> { ["written_by"] = "Recur" });
            var io = Run(name, m, x).Select(kv => new NamedTensorData(kv.Key, kv.Value.Shape, kv.Value.ToArray())).ToList();
            io.Add(new NamedTensorData("input", x.Shape, x.ToArray()));
            Safetensors.Save(Path.Combine(_dir, $"recur_{name}.io.safetensors"), io);
        }

        // One interpreter start (importing torch takes seconds): the script itself tells whether torch is there.
        var (exit, stdout, stderr) = RunTorchCheck(_dir);
        if (exit is int code)
        {
            Assert.True(code == 0, $"torch_interop.py check failed:\n{stdout}\n{stderr}");
            Assert.Equal(5, stdout.Split('\n').Count(l => l.Contains("strict load ok")));
            // RECUR_TORCH_FIXTURES_OUT=<folder>: keep the files PyTorch has just accepted as the fixtures for machines without it.
            if (Environment.GetEnvironmentVariable("RECUR_TORCH_FIXTURES_OUT") is { Length: > 0 } keep)
                foreach (var f in Directory.GetFiles(_dir, "recur_*")) File.Copy(f, Path.Combine(keep, Path.GetFileName(f)), overwrite: true);
        }
        else
        {
            // Without PyTorch: the model files must be byte for byte those that tools/torch_interop.py check accepted
            // when the fixtures were made (Recur's writer and initialisation are deterministic), and the outputs
            // within 1e-5 of the outputs PyTorch confirmed then.
            foreach (var name in Names)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(Fixtures, $"recur_{name}.safetensors")),
                    File.ReadAllBytes(Path.Combine(_dir, $"recur_{name}.safetensors")));
                var confirmed = Safetensors.Load(Path.Combine(Fixtures, $"recur_{name}.io.safetensors"));
                var now = Safetensors.Load(Path.Combine(_dir, $"recur_{name}.io.safetensors"));
                foreach (var t in confirmed.Tensors)
                {
                    Assert.Equal(t.Shape, now[t.Name].Shape);
                    float worst = t.Data.Zip(now[t.Name].Data, (a, b) => MathF.Abs(a - b)).DefaultIfEmpty(0f).Max();
                    Assert.True(worst <= Tol, $"{name} {t.Name}: max |now - confirmed| = {worst}");
                }
            }
        }
    }

    [Fact]
    public void Strict_load_names_missing_unexpected_and_mismatched_keys_like_pytorch()
    {
        var e = Assert.Throws<InvalidDataException>(() => new Lstm(3, 5, numLayers: 1, rng: new Generator(0))
            .Load(Path.Combine(Fixtures, "torch_gru.safetensors")));
        Assert.Contains("Error(s) in loading state_dict for LSTM:", e.Message);
        Assert.Contains("size mismatch for weight_ih_l0: copying a param with shape [15, 3] from checkpoint, the shape in current model is [20, 3].", e.Message);
        Assert.Contains("Unexpected key(s) in state_dict: ", e.Message);
        Assert.Contains("\"weight_ih_l1\"", e.Message);

        var lstm = new Lstm(3, 5, numLayers: 2, bidirectional: true, projSize: 2, rng: new Generator(0));
        var e2 = Assert.Throws<InvalidDataException>(() => lstm.Load(Path.Combine(Fixtures, "torch_linear.safetensors")));
        Assert.Contains("Missing key(s) in state_dict: \"weight_ih_l0\"", e2.Message);
        // Non-strict: the keys that match load, the rest are ignored; shapes still must match.
        var lin = new Linear(4, 3, rng: new Generator(0));
        var before = lin.Weight.ToArray();
        lin.Load(Path.Combine(Fixtures, "torch_linear.safetensors"), strict: false);
        Assert.NotEqual(before, lin.Weight.ToArray());
    }

    private const string Python = "/usr/bin/python3";

    /// <summary>
    /// Runs tools/torch_interop.py check on <paramref name="dir"/>: the exit code, or null when there is no
    /// /usr/bin/python3 with torch (or RECUR_NO_TORCH=1 asks to take that path).
    /// </summary>
    private static (int? Exit, string Stdout, string Stderr) RunTorchCheck(string dir)
    {
        if (!File.Exists(Python) || Environment.GetEnvironmentVariable("RECUR_NO_TORCH") == "1") return (null, "", "");
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(RepoRoot(), "tools", "torch_interop.py"), "check", dir }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && stderr.Contains("No module named 'torch'")) return (null, stdout.Result, stderr);
        return (p.ExitCode, stdout.Result, stderr);
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Recur.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("Recur.slnx not found above " + AppContext.BaseDirectory);
    }
}
