namespace Recur.Nn;

/// <summary>Mean squared error, as <c>nn.MSELoss</c>.</summary>
public sealed class MseLoss : Module
{
    public Reduction Reduction { get; }

    public MseLoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    public Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);

    protected override string TypeName => "MSELoss";
}
