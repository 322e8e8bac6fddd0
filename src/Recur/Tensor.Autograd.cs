using Recur.Autograd;

namespace Recur;

public sealed partial class Tensor
{
    /// <summary>
    /// Attaches a backward to <paramref name="result"/> when grad mode is on and any input requires grad.
    /// <paramref name="backward"/> receives d(loss)/d(result), row-major. <paramref name="savesTensors"/> = false marks an
    /// op whose PyTorch counterpart saves no tensor (add, sum, view…), so a second backward through it is allowed there too.
    /// </summary>
    internal static Tensor Record(Tensor result, string name, Tensor[] inputs, Action<float[]> backward, bool savesTensors = true)
    {
        OpTrace.NoteUntraced(name, result);
        if (!AnyRequiresGrad(inputs)) return result;
        result._requiresGrad = true;
        result.GradFn = new Node(name, inputs, new[] { result }, () => backward(result.PendingGrad!), savesTensors: savesTensors);
        return result;
    }

    /// <summary>
    /// One node for several outputs; <paramref name="backward"/> reads each output's <see cref="PendingGrad"/> (null if unused).
    /// <paramref name="release"/>, if given, returns the saved state once the node is freed (after a backward without retain_graph).
    /// </summary>
    internal static void RecordMany(string name, Tensor[] inputs, Tensor[] outputs, Action backward, Action? release = null)
    {
        foreach (var o in outputs) OpTrace.NoteUntraced(name, o);
        if (!AnyRequiresGrad(inputs)) return;
        var node = new Node(name, inputs, outputs, backward, release);
        foreach (var o in outputs)
        {
            o._requiresGrad = true;
            o.GradFn = node;
        }
    }

    internal static bool AnyRequiresGrad(Tensor[] inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Adds <paramref name="grad"/> into this tensor's gradient (no-op unless it requires grad).</summary>
    internal void AccumulateGrad(ReadOnlySpan<float> grad) => Engine.Accumulate(this, grad);
}
