using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>The activation of an Elman RNN.</summary>
public enum Nonlinearity
{
    Tanh,
    Relu,
}

/// <summary>
/// Elman RNN, as <c>nn.RNN</c>: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh or relu.
/// <code>
/// var rnn = new Rnn(inputSize: 100, hiddenSize: 20);
/// var (output, hN) = rnn.Forward(Tensor.Randn(10, 3, 100), Tensor.Zeros(1, 3, 20));  // [10, 3, 20], [1, 3, 20]
/// </code>
/// </summary>
public sealed class Rnn : RnnBase
{
    public Nonlinearity Nonlinearity { get; }

    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, Nonlinearity nonlinearity = Nonlinearity.Tanh, bool bias = true,
        bool batchFirst = false, float dropout = 0f, bool bidirectional = false, Generator? rng = null)
        : base(nonlinearity == Nonlinearity.Relu ? CellKind.RnnRelu : CellKind.RnnTanh, inputSize, hiddenSize, numLayers, bias,
            batchFirst, dropout, bidirectional, 0, rng)
        => Nonlinearity = nonlinearity;

    /// <summary>(output, h_n) for a padded input; <paramref name="h0"/> null means zeros.</summary>
    public (Tensor Output, Tensor HN) Forward(Tensor input, Tensor? h0 = null)
    {
        var (o, h, _) = ForwardTensor(input, h0, null);
        return (o, h);
    }

    /// <summary>(packed output, h_n) for a packed batch.</summary>
    public (PackedSequence Output, Tensor HN) Forward(PackedSequence input, Tensor? h0 = null)
    {
        var (o, h, _) = ForwardPacked(input, h0, null);
        return (o, h);
    }

    protected override string TypeName => "RNN";
}
