namespace Recur.Autograd;

/// <summary>
/// Reverse-mode differentiation: a topological order of the nodes reachable from the root,
/// then one reverse sweep in which each node turns its outputs' gradients into its inputs'.
/// </summary>
internal static class Engine
{
    /// <summary>PyTorch's text for a backward through a graph whose saved values were freed.</summary>
    public const string FreedGraphMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
        "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
        "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

    /// <summary>
    /// Back-propagates from <paramref name="root"/>. Unless <paramref name="retainGraph"/>, every node on the way is freed
    /// afterwards, and a later backward through it throws <see cref="FreedGraphMessage"/> before touching any gradient.
    /// </summary>
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph = false)
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

        if (root.GradFn is null)
        {
            Accumulate(root, gradient.ReadOnlySpan);
            return;
        }

        var order = TopologicalOrder(root.GradFn);
        // Checked up front so that a refused backward leaves every gradient as it was.
        foreach (var node in order)
            if (node.Freed) throw new InvalidOperationException(FreedGraphMessage);
        Accumulate(root, gradient.ReadOnlySpan);
        using var noGrad = GradMode.NoGrad(); // backward itself is not recorded
        try
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var node = order[i];
                bool any = false;
                foreach (var o in node.Outputs) any |= o.PendingGrad != null;
                if (any) node.Backward();
                foreach (var o in node.Outputs) Release(o);
                if (!retainGraph) node.Free();
            }
        }
        finally
        {
            // A backward that threw part-way must not leave stale pending gradients for the next one.
            foreach (var node in order)
                foreach (var o in node.Outputs) Release(o);
        }
    }

    // A pending gradient is read only by its node's backward: once that has run, the buffer goes back to the pool.
    private static void Release(Tensor t)
    {
        GradPool.Return(t.PendingGrad);
        t.PendingGrad = null;
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
        // The first gradient is the gradient (as PyTorch takes it): copied into a buffer that is not cleared first. One of
        // the wrong length gets a zeroed buffer, where the add refuses it, as before.
        var dst = Buffer(t, zeroed: grad.Length != t.Numel, out bool fresh);
        if (fresh && grad.Length == t.Numel)
            grad.CopyTo(dst);
        else
            System.Numerics.Tensors.TensorPrimitives.Add(dst, grad, dst);
    }

    /// <summary>Adds the same value to every element of <paramref name="t"/>'s gradient (the backward of a full sum).</summary>
    public static void AccumulateScalar(Tensor t, float grad)
    {
        if (!t.RequiresGrad) return;
        var dst = Buffer(t, zeroed: false, out bool fresh);
        if (fresh)
            dst.Fill(grad);
        else
            System.Numerics.Tensors.TensorPrimitives.Add(dst, grad, dst);
    }

    /// <summary>The span gradients for <paramref name="t"/> are summed into (allocated as zeros on first use).</summary>
    public static Span<float> GradBuffer(Tensor t) => Buffer(t, zeroed: true, out _);

    // t's gradient: .Grad for a leaf, the pending buffer otherwise. Made on first use (fresh): zeroed for a caller that sums
    // into it, or with stale contents for one that overwrites it whole (a training step's loss gradient and the outputs'
    // first gradients are written once, where zeroing and adding read and wrote twice).
    private static Span<float> Buffer(Tensor t, bool zeroed, out bool fresh)
    {
        if (t.GradFn is null)
        {
            fresh = t.Grad is null;
            t.Grad ??= zeroed ? Tensor.Zeros(t.Shape) : Tensor.FromArray(GC.AllocateUninitializedArray<float>(t.Numel), t.Shape);
            return t.Grad.Span;
        }
        fresh = t.PendingGrad is null;
        t.PendingGrad ??= GradPool.Rent(t.Numel, clear: zeroed);
        return t.PendingGrad;
    }
}
