using Recur.Nn;

namespace Recur.Tests.Nn;

/// <summary>Sequential / ModuleList / ModuleDict: PyTorch's state-dict names and reprs (strings printed by torch 1.13).</summary>
public class ContainerTests
{
    private sealed class M : Module
    {
        public readonly ModuleList Layers;
        public readonly ModuleDict Blocks;

        public M()
        {
            Layers = RegisterModule("layers", new ModuleList(new Linear(2, 3), new Linear(3, 1)));
            Blocks = RegisterModule("blocks", new ModuleDict(("enc", new Gru(2, 3))));
        }
    }

    [Fact]
    public void SequentialNamesAndReprArePyTorchs()
    {
        var s = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 1));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, s.StateDict().Keys);
        Assert.Equal("Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): Tanh()\n" +
                     "  (2): Linear(in_features=8, out_features=1, bias=True)\n)", s.ToString());
        Assert.Equal("Sequential()", new Sequential().ToString());
        Assert.Equal("Sequential(\n  (enc): Linear(in_features=2, out_features=2, bias=True)\n  (act): ReLU()\n)",
            new Sequential(("enc", new Linear(2, 2)), ("act", new Relu())).ToString());
        Assert.Equal("Sequential(\n  (0): Sequential(\n    (0): Linear(in_features=1, out_features=1, bias=True)\n  )\n)",
            new Sequential(new Sequential(new Linear(1, 1))).ToString());
    }

    [Fact]
    public void SequentialForwardChainsTheModules()
    {
        Generator.ManualSeed(1);
        var a = new Linear(4, 8);
        var b = new Linear(8, 2);
        var s = new Sequential(a, new Relu(), b, new Sigmoid());
        var x = Tensor.Randn(5, 4);
        Assert.Equal(b.Forward(a.Forward(x).Relu()).Sigmoid().ToArray(), s.Forward(x).ToArray());
        Assert.Same(x, new Sequential().Forward(x));
        Assert.Same(b, s[2]);
        Assert.Same(s[3], s[-1]);
        Assert.Throws<IndexOutOfRangeException>(() => s[4]);
        Assert.Equal(4, s.Count);
    }

    [Fact]
    public void SequentialRefusesAModuleThatTakesMoreThanATensor()
    {
        var s = new Sequential(new Linear(2, 3), new Lstm(3, 4));
        var e = Assert.Throws<InvalidOperationException>(() => s.Forward(Tensor.Zeros(1, 2)));
        Assert.Contains("module (1) Lstm does not take a single tensor", e.Message);
    }

    [Fact]
    public void TrainAndEvalReachTheChildren()
    {
        var s = new Sequential(new Dropout(0.5f));
        var x = Tensor.Ones(100);
        s.Eval();
        Assert.Equal(x.ToArray(), s.Forward(x).ToArray());
        s.Train();
        Assert.Contains(0f, s.Forward(x).ToArray());
    }

    [Fact]
    public void NestedListAndDictNamesAndReprArePyTorchs()
    {
        var m = new M();
        Assert.Equal(new[]
        {
            "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
            "blocks.enc.weight_ih_l0", "blocks.enc.weight_hh_l0", "blocks.enc.bias_ih_l0", "blocks.enc.bias_hh_l0",
        }, m.StateDict().Keys);
        Assert.Equal("M(\n  (layers): ModuleList(\n    (0): Linear(in_features=2, out_features=3, bias=True)\n" +
                     "    (1): Linear(in_features=3, out_features=1, bias=True)\n  )\n  (blocks): ModuleDict(\n    (enc): GRU(2, 3)\n  )\n)",
            m.ToString());
        Assert.Equal(2, m.Layers.Count);
        Assert.IsType<Gru>(m.Blocks["enc"]);
    }

    [Fact]
    public void ModuleDictKeepsOrderAndChecksNames()
    {
        var d = new ModuleDict(("enc", new Lstm(3, 4)), ("head", new Linear(4, 1)));
        Assert.Equal(new[] { "enc.weight_ih_l0", "enc.weight_hh_l0", "enc.bias_ih_l0", "enc.bias_hh_l0", "head.weight", "head.bias" },
            d.StateDict().Keys);
        Assert.Equal(new[] { "enc", "head" }, d.Keys);
        Assert.Equal("ModuleDict(\n  (enc): LSTM(3, 4)\n  (head): Linear(in_features=4, out_features=1, bias=True)\n)", d.ToString());
        Assert.Equal("module name can't contain \".\", got: a.b", Assert.Throws<ArgumentException>(() => d.Add("a.b", new Tanh())).Message);
        Assert.Equal("module name can't be empty string \"\"", Assert.Throws<ArgumentException>(() => d.Add("", new Tanh())).Message);
        Assert.Equal("attribute 'enc' already exists", Assert.Throws<ArgumentException>(() => d.Add("enc", new Tanh())).Message);
        Assert.Throws<KeyNotFoundException>(() => d["nope"]);
        Assert.Equal("ModuleList()", new ModuleList().ToString());
        Assert.Equal("ModuleDict()", new ModuleDict().ToString());
    }

    [Fact]
    public void ContainersRoundTripTheirStateDict()
    {
        Generator.ManualSeed(2);
        var a = new ModuleList(new Linear(2, 2), new Linear(2, 1));
        Generator.ManualSeed(3);
        var b = new ModuleList(new Linear(2, 2), new Linear(2, 1));
        b.LoadStateDict(a.StateDict());
        Assert.Equal(a.Parameters().SelectMany(p => p.ToArray()), b.Parameters().SelectMany(p => p.ToArray()));
    }
}

/// <summary>The snippets of docs/OPS.md, as written there, run and give what the text says.</summary>
public class OpsDocTests
{
    [Fact]
    public void OpsSnippetRuns()
    {
        Generator.ManualSeed(0);
        var logits = Tensor.Randn(4, 10);
        var best = logits.Argmax(-1);
        var (top, where) = logits.TopK(3);
        var picked = logits.Gather(1, new IndexTensor(best.Data, 4, 1));
        var next = Functional.Softmax(logits, -1).Multinomial(1, generator: new Generator(7));
        Assert.Equal(new[] { 4 }, best.Shape);
        Assert.Equal(new[] { 4, 3 }, top.Shape);
        Assert.Equal(where.Data.Where((_, i) => i % 3 == 0), best.Data);
        Assert.Equal(top.ToArray().Where((_, i) => i % 3 == 0), picked.ToArray());
        Assert.Equal(new[] { 4, 1 }, next.Shape);
        Assert.StartsWith("tensor([[", logits.Clamp(-1f, 1f).ToString());
    }

    [Fact]
    public void InitAndContainerSnippetsRun()
    {
        var lstm = new Lstm(8, 32);
        foreach (var (name, p) in lstm.NamedParameters())
            if (name.StartsWith("weight_hh")) Init.Orthogonal_(p);
            else if (name.StartsWith("weight_ih")) Init.XavierUniform_(p);
            else Init.Zeros_(p);
        Assert.All(lstm.NamedParameters().Where(p => p.Name.StartsWith("bias")), p => Assert.All(p.Parameter.ToArray(), v => Assert.Equal(0f, v)));
        var net = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 1));
        Assert.StartsWith("Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): Tanh()", net.ToString());
        Assert.Equal(new[] { 5, 1 }, net.Forward(Tensor.Randn(5, 4)).Shape);
        var both = new ModuleDict(("enc", new Lstm(3, 16)), ("head", new Linear(16, 1)));
        Assert.Contains("enc.weight_ih_l0", both.StateDict().Keys);
        Assert.Contains("head.weight", both.StateDict().Keys);
    }
}
