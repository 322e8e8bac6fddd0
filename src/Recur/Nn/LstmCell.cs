using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>One LSTM step, as <c>nn.LSTMCell</c>: returns (h', c').</summary>
public sealed class LstmCell : RnnCellBase
{
    public LstmCell(int inputSize, int hiddenSize, bool bias = true, Generator? rng = null)
        : base(CellKind.Lstm, inputSize, hiddenSize, bias, rng) { }

    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        var (h, c) = Step(input, state?.H, state?.C);
        return (h, c!);
    }

    protected override string TypeName => "LSTMCell";
}
