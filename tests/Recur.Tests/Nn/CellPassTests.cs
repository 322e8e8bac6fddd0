using Recur.Kernels;
using Recur.Nn;
using Recur.Nn.Recurrent;
using Recur.Tests.Kernels;

namespace Recur.Tests.Nn;

/// <summary>
/// The cell pass split over batch rows on two threads gives exactly what the unsplit pass gives: outputs, final
/// states and every gradient, for each cell (the split is forced on these small sizes by lowering its threshold; both
/// runs use two kernel threads, so the products are the same and only the pass differs).
/// </summary>
[Collection(nameof(KernelSwitches))]
public class CellPassTests
{
    public static IEnumerable<object[]> Cells() =>
        new[] { "rnn_tanh", "rnn_relu", "lstm", "lstm_proj", "gru" }.Select(c => new object[] { c });

    private static RnnBase Make(string cell) => cell switch
    {
        "rnn_tanh" => new Rnn(5, 20, 2, Nonlinearity.Tanh, rng: new Generator(3)),
        "rnn_relu" => new Rnn(5, 20, 2, Nonlinearity.Relu, rng: new Generator(3)),
        "lstm" => new Lstm(5, 20, 2, bidirectional: true, rng: new Generator(3)),
        "lstm_proj" => new Lstm(5, 20, 1, projSize: 7, rng: new Generator(3)),
        _ => new Gru(5, 20, 2, rng: new Generator(3)),
    };

    private static float[][] Run(string cell, bool split)
    {
        var saved = (KernelOptions.MaxThreads, CellPass.ParallelMinElements);
        try
        {
            KernelOptions.MaxThreads = 2;
            CellPass.ParallelMinElements = split ? 1 : long.MaxValue;
            var m = Make(cell);
            var x = Tensor.Randn(new Generator(4), 9, 7, 5).RequireGrad();
            var (o, s) = m.ForwardState(x);
            (o.Sum() + s.H.Sum() * 0.5f + (s.C is null ? Tensor.Zeros(1).Sum() : s.C.Sum() * 0.25f)).Backward();
            return new[] { o.ToArray(), s.H.ToArray(), x.Grad!.ToArray() }.Concat(m.Parameters().Select(p => p.Grad!.ToArray())).ToArray();
        }
        finally { (KernelOptions.MaxThreads, CellPass.ParallelMinElements) = saved; }
    }

    [Theory, MemberData(nameof(Cells))]
    public void SplitPassMatchesOneThread(string cell)
    {
        var one = Run(cell, split: false);
        var two = Run(cell, split: true);
        Assert.Equal(one.Length, two.Length);
        for (int k = 0; k < one.Length; k++)
            for (int i = 0; i < one[k].Length; i++)
                Assert.True(one[k][i] == two[k][i], $"{cell}, array {k}[{i}]: unsplit {one[k][i]}, split {two[k][i]}");
    }
}
