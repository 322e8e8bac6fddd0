namespace Recur.Nn;

/// <summary>Mean squared error, as <c>nn.MSELoss</c>.</summary>
public sealed class MseLoss : Module
{
    /// <summary>How the squared errors are reduced.</summary>
    public Reduction Reduction { get; }

    /// <summary>PyTorch's <c>nn.MSELoss(reduction)</c>.</summary>
    public MseLoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    /// <summary>The (reduced) squared error between <paramref name="input"/> and <paramref name="target"/>, which broadcast.</summary>
    public Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "MSELoss";
}
