using Recur.Nn.Recurrent;

namespace Recur.Nn;

/// <summary>One GRU step, as <c>nn.GRUCell</c>.</summary>
public sealed class GruCell : RnnCellBase
{
    public GruCell(int inputSize, int hiddenSize, bool bias = true, Generator? rng = null)
        : base(CellKind.Gru, inputSize, hiddenSize, bias, rng) { }

    public Tensor Forward(Tensor input, Tensor? hx = null) => Step(input, hx, null).H;

    protected override string TypeName => "GRUCell";
}
