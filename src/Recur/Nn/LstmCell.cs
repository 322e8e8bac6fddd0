using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>One LSTM step, as <c>nn.LSTMCell</c>: returns (h', c').</summary>
public sealed class LstmCell : RnnCellBase
{
    /// <summary>PyTorch's <c>nn.LSTMCell(input_size, hidden_size, bias)</c>.</summary>
    public LstmCell(int inputSize, int hiddenSize, bool bias = true, Generator? rng = null)
        : base(CellKind.Lstm, inputSize, hiddenSize, bias, rng) { }

    /// <summary>One step: input [batch, input] (or [input]) and (h, c) (zeros when null) → the new (h, c).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        var (h, c) = Step(input, state?.H, state?.C);
        return (h, c!);
    }

    /// <inheritdoc/>
    protected override string TypeName => "LSTMCell";
}
