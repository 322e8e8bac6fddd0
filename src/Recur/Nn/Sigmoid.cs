namespace Recur.Nn;

/// <summary>σ(x) as a module (<c>nn.Sigmoid</c>), for <see cref="Sequential"/>.</summary>
public sealed class Sigmoid : Module, ITensorModule
{
    /// <summary>1 / (1 + e^−x) element-wise.</summary>
    public Tensor Forward(Tensor input) => input.Sigmoid();
}
