namespace Recur.Optim;

/// <summary>
/// Base of the optimizers, as <c>torch.optim.Optimizer</c> with one parameter group. Parameters whose
/// <see cref="Tensor.Grad"/> is null are skipped by <see cref="Step"/>, as in PyTorch.
/// </summary>
/// <remarks>
/// Each optimizer follows PyTorch's single-tensor update (torch 1.13 <c>_single_tensor_*</c>): hyper-parameter
/// arithmetic in double, tensor arithmetic in float32, in the same order, so trajectories match PyTorch's.
/// </remarks>
public abstract class Optimizer
{
    protected readonly Tensor[] Params;

    /// <summary>Current learning rate (schedulers change it between steps).</summary>
    public double LearningRate { get; set; }

    protected Optimizer(IEnumerable<Tensor> parameters, double lr)
    {
        Params = parameters.ToArray();
        if (Params.Length == 0) throw new ArgumentException("optimizer got an empty parameter list");
        if (lr < 0 || double.IsNaN(lr)) throw new ArgumentException($"Invalid learning rate: {lr}");
        foreach (var p in Params)
            if (!p.IsLeaf) throw new ArgumentException("can't optimize a non-leaf Tensor");
        LearningRate = lr;
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        for (int i = 0; i < Params.Length; i++)
        {
            var p = Params[i];
            if (p.Grad is null) continue;
            if (!Shapes.Equal(p.Grad.Shape, p.Shape))
                throw new InvalidOperationException($"parameter {i} has shape {Shapes.Format(p.Shape)} but its gradient has shape {Shapes.Format(p.Grad.Shape)}");
            Update(i, p.Span, p.Grad.Span);
            p.MarkModified();
        }
    }

    /// <summary>Updates parameter <paramref name="index"/> in place from its gradient (left unmodified).</summary>
    protected abstract void Update(int index, Span<float> param, ReadOnlySpan<float> grad);

    /// <summary>Clears every parameter's gradient (set to null, PyTorch's default since 2.0).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Params) p.Grad = null;
    }

    /// <summary>Per-parameter state buffer, created zeroed on first use.</summary>
    protected static float[] State(float[]?[] states, int index, int length) => states[index] ??= new float[length];

    protected static void CheckNonNegative(string name, double value)
    {
        if (value < 0 || double.IsNaN(value)) throw new ArgumentException($"Invalid {name} value: {value}");
    }
}
