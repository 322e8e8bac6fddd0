namespace Recur.Autograd;

/// <summary>
/// One recorded operation: its inputs, its outputs and the closure that turns the outputs'
/// gradients into the inputs' gradients. Ops with several outputs (an RNN layer's output,
/// h_n and c_n) share one node, which runs once all of them have their gradients.
/// </summary>
internal sealed class Node
{
    public readonly string Name;
    public readonly Tensor[] Inputs;
    public readonly Tensor[] Outputs;
    public readonly Action Backward;

    /// <summary>Gives back what the node saved for backward (pooled working memory); run once, when the node is freed.</summary>
    public readonly Action? Release;

    /// <summary>
    /// False for ops whose backward needs no saved tensor (add, sum, view, cat…): as in PyTorch, a second backward
    /// through them is allowed, since nothing was freed.
    /// </summary>
    public readonly bool SavesTensors;

    /// <summary>Set once a backward without retain_graph has run through this node: its saved values are gone.</summary>
    public bool Freed { get; private set; }

    public Node(string name, Tensor[] inputs, Tensor[] outputs, Action backward, Action? release = null, bool savesTensors = true)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Backward = backward;
        Release = release;
        SavesTensors = savesTensors;
    }

    /// <summary>Marks the node freed and returns its saved state (PyTorch frees saved tensors after backward).</summary>
    public void Free()
    {
        if (Freed || !SavesTensors) return;
        Freed = true;
        Release?.Invoke();
    }
}
