namespace Recur.Nn;

/// <summary>Inverted dropout in training mode, identity in eval mode, as <c>nn.Dropout</c>.</summary>
public sealed class Dropout : Module, ITensorModule
{
    private readonly Generator? _rng;
    public float P { get; }

    public Dropout(float p = 0.5f, Generator? rng = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability has to be between 0 and 1, but got {p}");
        P = p;
        _rng = rng;
    }

    public Tensor Forward(Tensor x) => Functional.Dropout(x, P, Training, _rng);

    protected override string ExtraRepr() => $"p={Repr.Float(P)}, inplace=False";
}
