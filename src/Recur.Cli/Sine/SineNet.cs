using Recur.Nn;

namespace Recur.Cli.Sine;

/// <summary>
/// The seed's <c>Net</c>: a recurrent layer (input 1, batch_first) and a Linear read-out on every step.
/// State dict names as in PyTorch: <c>rnn.weight_ih_l0</c>, …, <c>linear.weight</c>, <c>linear.bias</c>.
/// </summary>
internal sealed class SineNet : Module
{
    public RnnBase Rnn { get; }
    public Linear Linear { get; }

    public SineNet(string cell, int hiddenSize, Generator rng)
    {
        Rnn = RegisterModule("rnn", CellChoice.Create(cell, 1, hiddenSize, batchFirst: true, rng: rng));
        Linear = RegisterModule("linear", new Linear(hiddenSize, 1, rng: rng));
    }

    /// <summary>x: [1, seq, 1] → ([1, seq, 1], state)</summary>
    public (Tensor Output, RnnState State) Forward(Tensor x, RnnState? state)
    {
        var (out_, next) = Rnn.ForwardState(x, state);
        var y = Linear.Forward(out_.View(-1, Rnn.HiddenSize)); // [seq, h] → [seq, 1]
        return (y.Unsqueeze(0), next);                        // [1, seq, 1], to compare with y by MSE
    }

    protected override string TypeName => "Net";
}
