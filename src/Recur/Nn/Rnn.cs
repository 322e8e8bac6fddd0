using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>The activation of an Elman RNN.</summary>
public enum Nonlinearity
{
    /// <summary>h = tanh(W_ih·x + b_ih + W_hh·h + b_hh).</summary>
    Tanh,
    /// <summary>h = relu(W_ih·x + b_ih + W_hh·h + b_hh).</summary>
    Relu,
}

/// <summary>
/// Elman RNN, as <c>nn.RNN</c>: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), act = tanh or relu.
/// <code>
/// var rnn = new Rnn(inputSize: 100, hiddenSize: 20);
/// var (output, hN) = rnn.Forward(Tensor.Randn(10, 3, 100), Tensor.Zeros(1, 3, 20));  // [10, 3, 20], [1, 3, 20]
/// </code>
/// </summary>
public sealed class Rnn : HiddenStateRnn
{
    /// <summary>The activation of each step (<c>nonlinearity</c>).</summary>
    public Nonlinearity Nonlinearity { get; }

    /// <summary>PyTorch's <c>nn.RNN</c>, with the same arguments and parameter names.</summary>
    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, Nonlinearity nonlinearity = Nonlinearity.Tanh, bool bias = true,
        bool batchFirst = false, float dropout = 0f, bool bidirectional = false, Generator? rng = null)
        : base(nonlinearity == Nonlinearity.Relu ? CellKind.RnnRelu : CellKind.RnnTanh, inputSize, hiddenSize, numLayers, bias,
            batchFirst, dropout, bidirectional, rng)
        => Nonlinearity = nonlinearity;

    /// <inheritdoc/>
    protected override string TypeName => "RNN";
}
