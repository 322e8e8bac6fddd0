namespace Recur.Nn;

/// <summary>tanh as a module (<c>nn.Tanh</c>), for <see cref="Sequential"/>.</summary>
public sealed class Tanh : Module, ITensorModule
{
    /// <summary>tanh(x) element-wise.</summary>
    public Tensor Forward(Tensor input) => input.Tanh();
}
