namespace Recur.Autograd;

/// <summary>
/// Reverse-mode differentiation: a topological order of the nodes reachable from the root,
/// then one reverse sweep in which each node turns its outputs' gradients into its inputs'.
/// </summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? gradient)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("element 0 of tensors does not require grad and does not have a grad_fn");
        if (gradient is null)
        {
            if (root.Numel != 1)
                throw new InvalidOperationException($"grad can be implicitly created only for scalar outputs (got shape {Shapes.Format(root.Shape)})");
            gradient = Tensor.Ones(root.Shape);
        }
        else if (!Shapes.Equal(gradient.Shape, root.Shape))
            throw new ArgumentException($"Mismatch in shape: grad_output has a shape of {Shapes.Format(gradient.Shape)} and output has a shape of {Shapes.Format(root.Shape)}");

        Accumulate(root, gradient.ReadOnlySpan);
        if (root.GradFn is null) return;

        var order = TopologicalOrder(root.GradFn);
        using var noGrad = GradMode.NoGrad(); // backward itself is not recorded
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            bool any = false;
            foreach (var o in node.Outputs) any |= o.PendingGrad != null;
            if (any) node.Backward();
            foreach (var o in node.Outputs) o.PendingGrad = null;
        }
    }

    /// <summary>Nodes in an order where each comes after every node that feeds it (iterative DFS: graphs can be deep).</summary>
    private static List<Node> TopologicalOrder(Node root)
    {
        var order = new List<Node>();
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Node Node, int Next)>();
        visited.Add(root);
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.Inputs.Length)
            {
                stack.Push((node, next + 1));
                var child = node.Inputs[next].GradFn;
                if (child != null && visited.Add(child)) stack.Push((child, 0));
            }
            else order.Add(node);
        }
        return order;
    }

    /// <summary>Adds <paramref name="grad"/> into <paramref name="t"/>'s gradient: <c>.Grad</c> for a leaf, the pending buffer otherwise.</summary>
    public static void Accumulate(Tensor t, ReadOnlySpan<float> grad)
    {
        if (!t.RequiresGrad) return;
        var dst = GradBuffer(t);
        System.Numerics.Tensors.TensorPrimitives.Add(dst, grad, dst);
    }

    /// <summary>The span gradients for <paramref name="t"/> are summed into (allocated as zeros on first use).</summary>
    public static Span<float> GradBuffer(Tensor t)
    {
        if (t.GradFn is null)
        {
            t.Grad ??= Tensor.Zeros(t.Shape);
            return t.Grad.Span;
        }
        t.PendingGrad ??= new float[t.Numel];
        return t.PendingGrad;
    }
}
