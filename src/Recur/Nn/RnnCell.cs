using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>One Elman RNN step: h' = act(W_ih x + b_ih + W_hh h + b_hh), as <c>nn.RNNCell</c>.</summary>
public sealed class RnnCell : RnnCellBase
{
    /// <summary>PyTorch's <c>nn.RNNCell(input_size, hidden_size, bias, nonlinearity)</c>.</summary>
    public RnnCell(int inputSize, int hiddenSize, bool bias = true, Nonlinearity nonlinearity = Nonlinearity.Tanh, Generator? rng = null)
        : base(nonlinearity == Nonlinearity.Relu ? CellKind.RnnRelu : CellKind.RnnTanh, inputSize, hiddenSize, bias, rng) { }

    /// <summary>One step: input [batch, input] (or [input]) and hx (zeros when null) → the new h.</summary>
    public Tensor Forward(Tensor input, Tensor? hx = null) => Step(input, hx, null).H;

    /// <inheritdoc/>
    protected override string TypeName => "RNNCell";
}
