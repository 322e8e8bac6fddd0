using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>One Elman RNN step: h' = act(W_ih x + b_ih + W_hh h + b_hh), as <c>nn.RNNCell</c>.</summary>
public sealed class RnnCell : RnnCellBase
{
    public RnnCell(int inputSize, int hiddenSize, bool bias = true, Nonlinearity nonlinearity = Nonlinearity.Tanh, Generator? rng = null)
        : base(nonlinearity == Nonlinearity.Relu ? CellKind.RnnRelu : CellKind.RnnTanh, inputSize, hiddenSize, bias, rng) { }

    public Tensor Forward(Tensor input, Tensor? hx = null) => Step(input, hx, null).H;

    protected override string TypeName => "RNNCell";
}
