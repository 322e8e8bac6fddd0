using Recur.Optim;

namespace Recur.Tests.Optim;

public sealed class OptimizerStateTests
{
    private static Tensor[] Params(int seed)
    {
        var g = new Generator(seed);
        var a = Tensor.Randn(g, 3, 4);
        var b = Tensor.Randn(g, 5);
        a.RequiresGrad = b.RequiresGrad = true;
        return new[] { a, b };
    }

    // A fixed, parameter-dependent gradient per step so trajectories are deterministic.
    private static void Steps(Optimizer o, Tensor[] ps, int from, int to)
    {
        for (int s = from; s < to; s++)
        {
            o.ZeroGrad();
            var loss = ((ps[0] * ps[0]).Sum() * (0.5f + s * 0.1f)) + (ps[1] * Tensor.Randn(new Generator(s), 5)).Sum();
            loss.Backward();
            o.Step();
        }
    }

    public static TheoryData<string> Kinds => new() { "sgd", "sgd_nesterov", "adam", "adam_amsgrad", "adamw", "rmsprop", "rmsprop_centered_momentum" };

    private static Optimizer Make(string kind, IEnumerable<ParamGroup> groups) => kind switch
    {
        "sgd" => new Sgd(groups, lr: 0.05),
        "sgd_nesterov" => new Sgd(groups, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        "adam" => new Adam(groups, lr: 0.01),
        "adam_amsgrad" => new Adam(groups, lr: 0.01, amsgrad: true, weightDecay: 0.1),
        "adamw" => new AdamW(groups, lr: 0.01),
        "rmsprop" => new RmsProp(groups, lr: 0.01),
        "rmsprop_centered_momentum" => new RmsProp(groups, lr: 0.01, momentum: 0.9, centered: true),
        _ => throw new ArgumentException(kind),
    };

    private static ParamGroup[] Groups(Tensor[] ps) => new[] { new ParamGroup(new[] { ps[0] }), new ParamGroup(new[] { ps[1] }, lr: 0.002) };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void State_dict_round_trip_continues_bit_exactly(string kind)
    {
        var full = Params(1);
        var o = Make(kind, Groups(full));
        Steps(o, full, 0, 6);

        var first = Params(1);
        var o1 = Make(kind, Groups(first));
        Steps(o1, first, 0, 3);
        var saved = o1.StateDict();

        var second = first.Select(p => { var c = Tensor.FromArray(p.ToArray(), p.Shape); c.RequiresGrad = true; return c; }).ToArray();
        var o2 = Make(kind, Groups(second));
        o2.LoadStateDict(saved);
        Steps(o2, second, 3, 6);
        for (int i = 0; i < full.Length; i++) Assert.Equal(full[i].ToArray(), second[i].ToArray());
        Assert.Equal(0.002, o2.ParamGroups[1].LearningRate);
    }

    [Fact]
    public void State_dict_has_pytorchs_layout()
    {
        var ps = Params(2);
        var o = new Adam(new[] { new ParamGroup(new[] { ps[0] }, lr: 1e-3), new ParamGroup(new[] { ps[1] }, lr: 1e-2, weightDecay: 0) },
            weightDecay: 0.5, amsgrad: true);
        Steps(o, ps, 0, 2);
        var sd = o.StateDict();
        Assert.Equal(new[] { 0, 1 }, sd.State.Keys);
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step" }, sd.State[0].Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(2f, sd.State[1]["step"].Item());
        Assert.Equal(new[] { 3, 4 }, sd.State[0]["exp_avg"].Shape);
        Assert.Equal(new[] { "amsgrad", "betas", "eps", "lr", "maximize", "params", "weight_decay" }, sd.ParamGroups[0].Keys);
        Assert.Equal(0.5, sd.ParamGroups[0]["weight_decay"]);
        Assert.Equal(0.0, sd.ParamGroups[1]["weight_decay"]);
        Assert.Equal(new[] { 1 }, sd.ParamGroups[1]["params"]);
        Assert.Equal(new[] { 0.9, 0.999 }, sd.ParamGroups[1]["betas"]);
        // SGD without momentum keeps no state, as PyTorch's (whose entry holds only momentum_buffer = None).
        var sgd = new Sgd(ps, lr: 0.1);
        Steps(sgd, ps, 0, 1);
        Assert.Empty(sgd.StateDict().State);
    }

    [Fact]
    public void Param_groups_reject_unknown_options_shared_parameters_and_bad_values()
    {
        var ps = Params(3);
        Assert.Contains("'momentum' is not an option of Adam",
            Assert.Throws<ArgumentException>(() => new Adam(new[] { new ParamGroup(ps, momentum: 0.9) })).Message);
        Assert.Contains("more than one parameter group",
            Assert.Throws<ArgumentException>(() => new Sgd(new[] { new ParamGroup(ps), new ParamGroup(new[] { ps[0] }) })).Message);
        Assert.Contains("Invalid learning rate: -1",
            Assert.Throws<ArgumentException>(() => new RmsProp(new[] { new ParamGroup(ps, lr: -1) })).Message);
        Assert.Contains("Invalid beta parameter at index 0",
            Assert.Throws<ArgumentException>(() => new AdamW(new[] { new ParamGroup(ps, betas: (1.5, 0.9)) })).Message);
    }

    [Fact]
    public void Load_state_dict_checks_everything_before_changing_anything()
    {
        var ps = Params(4);
        var o = new Adam(ps, lr: 0.01);
        Steps(o, ps, 0, 2);
        var good = o.StateDict();
        var other = new Adam(Params(4), lr: 0.3);
        var before = other.StateDict();

        var tooMany = new OptimizerStateDict(good.State, good.ParamGroups.Concat(good.ParamGroups).ToList());
        Assert.Contains("different number of parameter groups", Assert.Throws<ArgumentException>(() => other.LoadStateDict(tooMany)).Message);

        var badShape = new Dictionary<int, IReadOnlyDictionary<string, Tensor>>(good.State)
        {
            [1] = new Dictionary<string, Tensor>(good.State[1]) { ["exp_avg"] = Tensor.Zeros(4) },
        };
        Assert.Contains("has shape [4], but its parameter has shape [5]",
            Assert.Throws<ArgumentException>(() => other.LoadStateDict(good with { State = badShape })).Message);

        var badLr = new List<IReadOnlyDictionary<string, object>> { new Dictionary<string, object>(good.ParamGroups[0]) { ["lr"] = -2.0 } };
        Assert.Contains("Invalid learning rate", Assert.Throws<ArgumentException>(() => other.LoadStateDict(good with { ParamGroups = badLr })).Message);

        var badStep = new Dictionary<int, IReadOnlyDictionary<string, Tensor>>(good.State)
        {
            [0] = new Dictionary<string, Tensor>(good.State[0]) { ["step"] = Tensor.Scalar(1.5f) },
        };
        Assert.Contains("not a whole number", Assert.Throws<ArgumentException>(() => other.LoadStateDict(good with { State = badStep })).Message);

        var sgdState = new Sgd(Params(4), lr: 0.1, momentum: 0.9);
        Assert.Contains("which Adam does not have",
            Assert.Throws<ArgumentException>(() => other.LoadStateDict(sgdState.StateDict())).Message);

        IO.CheckpointTests.AssertSameState(before, other.StateDict());
        other.LoadStateDict(good);
        Assert.Equal(0.01, other.LearningRate);
        Assert.Equal(2, other.StepCount(0));
    }

    [Fact]
    public void Plateau_state_round_trips_and_lowers_every_group()
    {
        var ps = Params(5);
        var o = new Sgd(new[] { new ParamGroup(new[] { ps[0] }, lr: 0.1), new ParamGroup(new[] { ps[1] }, lr: 0.4) });
        var s = new ReduceLrOnPlateau(o, factor: 0.5, patience: 1, cooldown: 2);
        foreach (var m in new[] { 3.0, 2.0, 2.5, 2.5 }) s.Step(m);
        Assert.Equal(0.05, o.ParamGroups[0].LearningRate, 12);
        Assert.Equal(0.2, o.ParamGroups[1].LearningRate, 12);
        var sd = s.StateDict();
        Assert.Equal(2.0, sd["best"]);
        Assert.Equal(2, sd["cooldown_counter"]);
        Assert.Equal(4, sd["last_epoch"]);

        var o2 = new Sgd(new[] { new ParamGroup(new[] { ps[0] }, lr: 0.1), new ParamGroup(new[] { ps[1] }, lr: 0.4) });
        var s2 = new ReduceLrOnPlateau(o2, factor: 0.5, patience: 1, cooldown: 2);
        s2.LoadStateDict(sd);
        Assert.Equal(sd, s2.StateDict());
        var wrong = new ReduceLrOnPlateau(o2, factor: 0.1, patience: 1, cooldown: 2);
        Assert.Contains("factor", Assert.Throws<ArgumentException>(() => wrong.LoadStateDict(sd)).Message);
    }
}
