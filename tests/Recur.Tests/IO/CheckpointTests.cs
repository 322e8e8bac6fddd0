using Recur.IO;
using Recur.Nn;
using Recur.Optim;
using Recur.PersistCheck;

namespace Recur.Tests.IO;

/// <summary>Tests that read or reseed <see cref="Generator.Default"/> run alone, so no other test draws from it meanwhile.</summary>
[CollectionDefinition(nameof(DefaultGenerator), DisableParallelization = true)]
public sealed class DefaultGenerator;

[Collection(nameof(DefaultGenerator))]
public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recur-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Resume_in_process_is_bit_exact()
    {
        var full = ResumeProgram.Uninterrupted(10, 20);
        string path = Path.Combine(_dir, "run.safetensors");
        ResumeProgram.First(path, 10);
        Generator.ManualSeed(12345); // whatever happens in between, Load restores the generator
        var resumed = ResumeProgram.Second(path, 20);
        Assert.Equal(full, resumed);
        Assert.Equal(11, full.Count); // 8 LSTM tensors, 2 Linear, the draw
    }

    [Fact]
    public void Resume_in_a_fresh_process_is_bit_exact()
    {
        // Issue 9's program: Train(0, 40) against Train(0, 20) + save, then load + Train(20, 40) in another process.
        string path = Path.Combine(_dir, "run.safetensors");
        var full = ChildProcess.Run("resume-full", "20", "40");
        ChildProcess.Run("resume-first", path, "20");
        var resumed = ChildProcess.Run("resume-second", path, "40");
        Assert.Equal(full, resumed);
        Assert.StartsWith("next draw ", full[^1]);
        // Without the checkpoint the second half differs: the test can see a wrong resume.
        var (m, o) = ResumeProgram.Make();
        ResumeProgram.Train(m, o, 20, 40);
        Assert.NotEqual(full, ResumeProgram.Fingerprint(m));
    }

    [Fact]
    public void Checkpoint_holds_pytorch_names_optimizer_state_and_metadata()
    {
        var (m, o) = ResumeProgram.Make(hidden: 3);
        var plateau = new ReduceLrOnPlateau(o, factor: 0.5, patience: 0);
        ResumeProgram.Train(m, o, 0, 2);
        plateau.Step(1.0);
        plateau.Step(2.0); // lowers lr to 5e-3
        string path = Path.Combine(_dir, "c.safetensors");
        Checkpoint.Save(path, m, o, plateau, new Dictionary<string, string> { ["epoch"] = "7" });

        var file = Safetensors.Load(path);
        var names = file.Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("l.weight_ih_l0", names);
        Assert.Contains("h.bias", names);
        Assert.Contains("optimizer.state.0.exp_avg", names);
        Assert.Contains("optimizer.state.9.exp_avg_sq", names);
        Assert.Equal(new int[0], file["optimizer.state.0.step"].Shape);
        Assert.Equal(2f, file["optimizer.state.0.step"].Data[0]);
        Assert.Equal("7", file.Metadata["epoch"]);
        Assert.Contains("\"lr\":0.005", file.Metadata["recur.optimizer"]);

        var (m2, o2) = ResumeProgram.Make(hidden: 3);
        var plateau2 = new ReduceLrOnPlateau(o2, factor: 0.5, patience: 0);
        var extra = Checkpoint.Load(path, m2, o2, plateau2);
        Assert.Equal(new Dictionary<string, string> { ["epoch"] = "7" }, extra);
        Assert.Equal(0.005, o2.LearningRate);
        Assert.Equal(1.0, plateau2.Best);
        Assert.Equal(2, o2.StepCount(0));
        Assert.Equal(m.StateDict()["l.weight_hh_l1"].ToArray(), m2.StateDict()["l.weight_hh_l1"].ToArray());
    }

    [Fact]
    public void Truncated_or_corrupt_checkpoint_throws_InvalidDataException_and_changes_nothing()
    {
        var (m, o) = ResumeProgram.Make(hidden: 3);
        ResumeProgram.Train(m, o, 0, 2);
        string path = Path.Combine(_dir, "c.safetensors");
        Checkpoint.Save(path, m, o);
        byte[] good = File.ReadAllBytes(path);

        var (target, opt) = ResumeProgram.Make(hidden: 3);
        ResumeProgram.Train(target, opt, 5, 6);
        var before = target.NamedParameters().Select(p => p.Parameter.ToArray()).ToList();
        var optBefore = opt.StateDict();
        var rngBefore = Generator.Default.GetState();

        var bad = new List<(string What, byte[] Bytes)>
        {
            ("truncated by one byte", good[..^1]),
            ("truncated to half", good[..(good.Length / 2)]),
            ("header only", good[..16]),
            ("empty", Array.Empty<byte>()),
        };
        // Corrupt the metadata JSON and the generator state inside an otherwise valid file.
        foreach (var (key, value) in new[] { ("recur.optimizer", "{\"type\":\"Adam\""), ("recur.generator", "AAAA"),
                     ("recur.optimizer", "{\"type\":\"Sgd\",\"param_groups\":[]}"), ("recur.checkpoint", "99") })
        {
            var f = Safetensors.Load(path);
            var meta = f.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
            meta[key] = value;
            string p2 = Path.Combine(_dir, "edit.safetensors");
            Safetensors.Save(p2, f.Tensors, meta);
            bad.Add(($"{key} = {value}", File.ReadAllBytes(p2)));
        }
        // A state tensor of the wrong shape, and a missing model parameter.
        {
            var f = Safetensors.Load(path);
            var tensors = f.Tensors.Select(t => t.Name == "optimizer.state.0.exp_avg" ? t with { Shape = new[] { t.Data.Length }, } : t).ToList();
            string p2 = Path.Combine(_dir, "edit.safetensors");
            Safetensors.Save(p2, tensors, f.Metadata);
            bad.Add(("exp_avg reshaped", File.ReadAllBytes(p2)));
            Safetensors.Save(p2, f.Tensors.Where(t => t.Name != "h.bias").ToList(), f.Metadata);
            bad.Add(("h.bias missing", File.ReadAllBytes(p2)));
        }

        foreach (var (what, bytes) in bad)
        {
            string p = Path.Combine(_dir, "bad.safetensors");
            File.WriteAllBytes(p, bytes);
            var e = Record.Exception(() => Checkpoint.Load(p, target, opt));
            Assert.True(e is InvalidDataException, $"{what}: {e?.GetType().Name}: {e?.Message}");
            Assert.True(e!.Message.Length < 600, $"{what}: message of {e.Message.Length} chars");
            Assert.Equal(before, target.NamedParameters().Select(q => q.Parameter.ToArray()).ToList());
            AssertSameState(optBefore, opt.StateDict());
            Assert.Equal(rngBefore, Generator.Default.GetState());
        }
    }

    [Fact]
    public void A_ModuleDict_of_several_models_with_parameter_groups_round_trips()
    {
        ModuleDict Build(out Adam opt, out Lstm l, out Linear h)
        {
            l = new Lstm(2, 3, rng: new Generator(1));
            h = new Linear(3, 1, rng: new Generator(2));
            opt = new Adam(new[] { new ParamGroup(l.Parameters(), lr: 1e-3), new ParamGroup(h.Parameters(), lr: 1e-2, weightDecay: 0) },
                weightDecay: 0.01);
            return new ModuleDict(("encoder", l), ("head", h));
        }
        void Step(Lstm l, Linear h, Adam opt, int s)
        {
            var g = new Generator(s);
            var (o, _) = l.Forward(Tensor.Randn(g, 4, 2, 2));
            var loss = Functional.MseLoss(h.Forward(o), Tensor.Randn(g, 4, 2, 1));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        var m = Build(out var o1, out var l1, out var h1);
        for (int s = 0; s < 3; s++) Step(l1, h1, o1, s);
        string path = Path.Combine(_dir, "dict.safetensors");
        Checkpoint.Save(path, m, o1);
        Assert.Contains("encoder.weight_ih_l0", Safetensors.Load(path).Tensors.Select(t => t.Name));

        var m2 = Build(out var o2, out var l2, out var h2);
        Checkpoint.Load(path, m2, o2);
        Step(l1, h1, o1, 3);
        Step(l2, h2, o2, 3);
        foreach (var ((name, a), (_, b)) in m.NamedParameters().Zip(m2.NamedParameters()))
            Assert.True(a.ToArray().SequenceEqual(b.ToArray()), name);
        Assert.Equal(0.01, o2.ParamGroups[1].LearningRate);
        Assert.Equal(0.0, o2.ParamGroups[1].Options["weight_decay"]);
        Assert.Equal(0.01, o2.ParamGroups[0].Options["weight_decay"]);
    }

    [Fact]
    public void Random_corruption_only_ever_raises_InvalidDataException_and_changes_nothing()
    {
        var (m, o) = ResumeProgram.Make(hidden: 2);
        var plateau = new ReduceLrOnPlateau(o); // best = +Infinity travels as the string "Infinity"
        ResumeProgram.Train(m, o, 0, 1);
        string path = Path.Combine(_dir, "c.safetensors");
        Checkpoint.Save(path, m, o, plateau);
        byte[] good = File.ReadAllBytes(path);
        var (target, opt) = ResumeProgram.Make(hidden: 2);
        var sched = new ReduceLrOnPlateau(opt);
        Checkpoint.Load(path, target, opt, sched);
        Assert.Equal(double.PositiveInfinity, sched.Best);

        var before = target.NamedParameters().Select(p => p.Parameter.ToArray()).ToList();
        var rngBefore = Generator.Default.GetState();
        var rng = new Random(14);
        int header = (int)BitConverter.ToUInt64(good, 0) + 8, accepted = 0;
        string bad = Path.Combine(_dir, "bad.safetensors");
        for (int i = 0; i < 400; i++)
        {
            var bytes = (byte[])good.Clone();
            // Mostly inside the header (where the structure is), sometimes anywhere, sometimes a truncation.
            int flips = rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int at = rng.Next(3) == 0 ? rng.Next(bytes.Length) : rng.Next(8, header);
                bytes[at] = (byte)rng.Next(256);
            }
            if (rng.Next(8) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            File.WriteAllBytes(bad, bytes);
            var e = Record.Exception(() => Checkpoint.Load(bad, target, opt, sched));
            if (e is null)
            {
                // A flip in the data (or in padding) gives another valid checkpoint: load the good one back.
                accepted++;
                Checkpoint.Load(path, target, opt, sched);
                continue;
            }
            Assert.True(e is InvalidDataException, $"mutation {i}: {e.GetType().Name}: {e.Message}");
            Assert.True(e.Message.Length < 600, $"mutation {i}: message of {e.Message.Length} chars");
            Assert.Equal(before, target.NamedParameters().Select(p => p.Parameter.ToArray()).ToList());
            Assert.Equal(rngBefore, Generator.Default.GetState());
        }
        Assert.True(accepted < 200, $"{accepted} of 400 corruptions were accepted");
    }

    [Fact]
    public void Extra_metadata_may_not_use_the_reserved_prefix()
    {
        var (m, o) = ResumeProgram.Make(hidden: 2);
        var e = Assert.Throws<ArgumentException>(() =>
            Checkpoint.Save(Path.Combine(_dir, "x.safetensors"), m, o, extra: new Dictionary<string, string> { ["recur.optimizer"] = "x" }));
        Assert.Contains("reserve", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    internal static void AssertSameState(OptimizerStateDict a, OptimizerStateDict b)
    {
        Assert.Equal(a.State.Keys, b.State.Keys);
        foreach (var (i, entry) in a.State)
        {
            Assert.Equal(entry.Keys, b.State[i].Keys);
            foreach (var (k, t) in entry) Assert.Equal(t.ToArray(), b.State[i][k].ToArray());
        }
        Assert.Equal(a.ParamGroups.Count, b.ParamGroups.Count);
        for (int g = 0; g < a.ParamGroups.Count; g++)
            foreach (var (k, v) in a.ParamGroups[g])
                Assert.Equal(v, b.ParamGroups[g][k]);
    }
}
