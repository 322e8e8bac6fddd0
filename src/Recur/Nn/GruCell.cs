using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>One GRU step, as <c>nn.GRUCell</c>.</summary>
public sealed class GruCell : RnnCellBase
{
    /// <summary>PyTorch's <c>nn.GRUCell(input_size, hidden_size, bias)</c>.</summary>
    public GruCell(int inputSize, int hiddenSize, bool bias = true, Generator? rng = null)
        : base(CellKind.Gru, inputSize, hiddenSize, bias, rng) { }

    /// <summary>One step: input [batch, input] (or [input]) and hx (zeros when null) → the new h.</summary>
    public Tensor Forward(Tensor input, Tensor? hx = null) => Step(input, hx, null).H;

    /// <inheritdoc/>
    protected override string TypeName => "GRUCell";
}
