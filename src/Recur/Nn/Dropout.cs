namespace Recur.Nn;

/// <summary>Inverted dropout in training mode, identity in eval mode, as <c>nn.Dropout</c>.</summary>
public sealed class Dropout : Module, ITensorModule
{
    private readonly Generator? _rng;
    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; }

    /// <summary>PyTorch's <c>nn.Dropout(p)</c>; masks come from <paramref name="rng"/> (default: <see cref="Generator.Default"/>).</summary>
    public Dropout(float p = 0.5f, Generator? rng = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability has to be between 0 and 1, but got {p}");
        P = p;
        _rng = rng;
    }

    /// <summary>In training mode, zeroes elements with probability <see cref="P"/> and scales the rest by 1/(1 − p); in eval mode returns <paramref name="x"/>.</summary>
    public Tensor Forward(Tensor x) => Functional.Dropout(x, P, Training, _rng);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={Repr.Float(P)}, inplace=False";
}
