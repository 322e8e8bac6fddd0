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

    public Node(string name, Tensor[] inputs, Tensor[] outputs, Action backward)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Backward = backward;
    }
}
