namespace Recur;

// Shape operations. Views share storage; the rest copy. Each backward routes the gradient
// back to where the element came from.
public sealed partial class Tensor
{
    /// <summary>Same storage, new shape; one dimension may be −1 (inferred), as PyTorch's <c>view</c>.</summary>
    public Tensor View(params int[] shape)
    {
        using var trace = Autograd.OpTrace.Enter();
        shape = InferShape(shape);
        var result = new Tensor(Storage, Offset, shape);
        trace.Done("Reshape", result, new object[] { this });
        return Record(result, "ViewBackward0", new[] { this }, g => AccumulateGrad(g), savesTensors: false);
    }

    /// <summary>Alias of <see cref="View"/> (storage is always contiguous here).</summary>
    public Tensor Reshape(params int[] shape) => View(shape);

    /// <summary>Flattens dims [startDim, endDim] into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        using var trace = Autograd.OpTrace.Enter();
        return trace.Done("Reshape", FlattenCore(startDim, endDim), new object[] { this });
    }

    private Tensor FlattenCore(int startDim, int endDim)
    {
        if (Dim == 0) return View(1);
        int s = Shapes.NormalizeDim(startDim, Dim), e = Shapes.NormalizeDim(endDim, Dim);
        var shape = new List<int>(_shape[..s]) { Shapes.Prod(_shape, s, e + 1) };
        shape.AddRange(_shape[(e + 1)..]);
        return View(shape.ToArray());
    }

    private int[] InferShape(int[] shape)
    {
        shape = shape.AsSpan().ToArray();
        int infer = -1;
        long known = 1; // saturates above Numel: such a shape is invalid whatever is inferred
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"invalid shape dimension {shape[i]}");
            else known = Math.Min(known * shape[i], (long)int.MaxValue + 1);
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"shape '{Shapes.Format(shape)}' is invalid for input of size {Numel}");
            shape[infer] = (int)(Numel / known);
        }
        if (Shapes.Numel(shape) != Numel)
            throw new ArgumentException($"shape '{Shapes.Format(shape)}' is invalid for input of size {Numel}");
        return shape;
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (−1 appends).</summary>
    public Tensor Unsqueeze(int dim)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim + 1);
        var shape = new List<int>(_shape);
        shape.Insert(d, 1);
        return trace.Done("Reshape", View(shape.ToArray()), new object[] { this });
    }

    /// <summary>Removes dimension <paramref name="dim"/> if it has size 1 (else returns the same shape).</summary>
    public Tensor Squeeze(int dim)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim);
        if (_shape[d] != 1) return trace.Done("Reshape", View(_shape), new object[] { this });
        var shape = new List<int>(_shape);
        shape.RemoveAt(d);
        return trace.Done("Reshape", View(shape.ToArray()), new object[] { this });
    }

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze()
    {
        // A dimension of size 1 only in the traced example (batch 1) would be squeezed here but not in
        // general; the exporter sees a Reshape to this example's shape and resolves it symbolically.
        using var trace = Autograd.OpTrace.Enter();
        return trace.Done("Reshape", View(_shape.Where(d => d != 1).ToArray()), new object[] { this });
    }

    /// <summary>Swaps two dimensions (copies).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        var perm = Enumerable.Range(0, Dim).ToArray();
        int a = Shapes.NormalizeDim(dim0, Dim), b = Shapes.NormalizeDim(dim1, Dim);
        (perm[a], perm[b]) = (perm[b], perm[a]);
        using var trace = Autograd.OpTrace.Enter();
        return trace.Done("Transpose", Permute(perm), new object[] { this }, perm);
    }

    /// <summary>The transpose of a 2-d tensor.</summary>
    public Tensor T()
    {
        if (Dim != 2) throw new ArgumentException($"T() expects a 2-D tensor, got {Dim}-D with shape {Shapes.Format(_shape)}");
        return Transpose(0, 1);
    }

    /// <summary>Reorders dimensions: result dim i is this tensor's dim <c>perm[i]</c> (copies).</summary>
    public Tensor Permute(params int[] perm)
    {
        using var trace = Autograd.OpTrace.Enter();
        var result = PermuteCore(perm, out var normalized);
        return trace.Done("Transpose", result, new object[] { this }, normalized);
    }

    private Tensor PermuteCore(int[] perm, out int[] normalized)
    {
        normalized = perm;
        if (perm.Length != Dim)
            throw new ArgumentException($"permute: number of dims don't match ({perm.Length} given for shape {Shapes.Format(_shape)})");
        perm = normalized = perm.Select(p => Shapes.NormalizeDim(p, Dim)).ToArray();
        if (perm.Distinct().Count() != Dim) throw new ArgumentException("permute: repeated dim");
        var outShape = perm.Select(p => _shape[p]).ToArray();
        if (KeepsMemoryOrder(perm)) return View(outShape); // only size-1 dims move: same bytes, e.g. batch_first with batch 1
        var map = PermuteMap(_shape, perm); // map[outFlat] = inFlat
        var result = new Tensor(outShape);
        var src = ReadOnlySpan;
        for (int i = 0; i < map.Length; i++) result.Storage[i] = src[map[i]];
        return Record(result, "PermuteBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int i = 0; i < map.Length; i++) gi[map[i]] = g[i];
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        }, savesTensors: false);
    }

    /// <summary>True when the dims longer than 1 keep their relative order, so the permuted data is already in place.</summary>
    private bool KeepsMemoryOrder(int[] perm)
    {
        int last = -1;
        foreach (int p in perm)
        {
            if (_shape[p] == 1) continue;
            if (p < last) return false;
            last = p;
        }
        return true;
    }

    private static int[] PermuteMap(int[] shape, int[] perm)
    {
        int rank = shape.Length, n = Shapes.Numel(shape);
        var inStrides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) { inStrides[d] = s; s *= shape[d]; }
        var outShape = perm.Select(p => shape[p]).ToArray();
        var strides = perm.Select(p => inStrides[p]).ToArray();
        var map = new int[n];
        var idx = new int[rank];
        int flat = 0;
        for (int i = 0; i < n; i++)
        {
            map[i] = flat;
            for (int d = rank - 1; d >= 0; d--)
            {
                flat += strides[d];
                if (++idx[d] < outShape[d]) break;
                flat -= strides[d] * outShape[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    /// <summary>Elements [start, start+length) along <paramref name="dim"/> (copies; a view when dim is outermost).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim);
        int givenStart = start;
        if (start < 0) start += _shape[d];
        if (start < 0 || length < 0 || start + length > _shape[d])
            throw new ArgumentException($"start ({start}) + length ({length}) exceeds dimension size ({_shape[d]}) of dim {d}");
        var outShape = _shape.AsSpan().ToArray();
        outShape[d] = length;
        int outer = Shapes.Prod(_shape, 0, d), inner = Shapes.Prod(_shape, d + 1, Dim), size = _shape[d];
        Tensor result;
        if (outer == 1)
            result = new Tensor(Storage, Offset + start * inner, outShape);
        else
        {
            result = new Tensor(outShape);
            var src = ReadOnlySpan;
            for (int o = 0; o < outer; o++)
                src.Slice((o * size + start) * inner, length * inner).CopyTo(result.Storage.AsSpan(o * length * inner));
        }
        trace.Done("Narrow", result, new object[] { this }, d, givenStart, length);
        return Record(result, "NarrowBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int o = 0; o < outer; o++)
                g.AsSpan(o * length * inner, length * inner).CopyTo(gi.AsSpan((o * size + start) * inner));
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        }, savesTensors: false);
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, that dimension removed (PyTorch's <c>select</c>, <c>x[i]</c>).</summary>
    public Tensor Select(int dim, int index)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim);
        if (index < -_shape[d] || index >= _shape[d])
            throw new IndexOutOfRangeException($"index {index} is out of bounds for dimension {d} with size {_shape[d]}");
        return trace.Done("Select", Narrow(d, index < 0 ? index + _shape[d] : index, 1).Squeeze(d), new object[] { this }, d, index);
    }

    /// <summary>Rows of dimension <paramref name="dim"/> picked by <paramref name="indices"/> (copies; repeated indices accumulate gradient).</summary>
    public Tensor IndexSelect(int dim, ReadOnlySpan<int> indices)
    {
        using var trace = Autograd.OpTrace.Enter();
        int d = Shapes.NormalizeDim(dim, Dim);
        int outer = Shapes.Prod(_shape, 0, d), inner = Shapes.Prod(_shape, d + 1, Dim), size = _shape[d];
        var idx = indices.ToArray();
        foreach (int i in idx)
            if ((uint)i >= (uint)size)
                throw new IndexOutOfRangeException($"index {i} is out of bounds for dimension {d} with size {size}");
        var outShape = _shape.AsSpan().ToArray();
        outShape[d] = idx.Length;
        var result = new Tensor(outShape);
        var src = ReadOnlySpan;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < idx.Length; j++)
                src.Slice((o * size + idx[j]) * inner, inner).CopyTo(result.Storage.AsSpan((o * idx.Length + j) * inner));
        trace.Done("IndexSelect", result, new object[] { this }, d, idx);
        return Record(result, "IndexSelectBackward0", new[] { this }, g =>
        {
            var gi = Autograd.GradPool.Rent(Numel);
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < idx.Length; j++)
                {
                    var dst = gi.AsSpan((o * size + idx[j]) * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.Add(dst, g.AsSpan((o * idx.Length + j) * inner, inner), dst);
                }
            AccumulateGrad(gi);
            Autograd.GradPool.Return(gi);
        });
    }

    /// <summary>Concatenates along an existing dimension; all other dims must match.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        using var trace = Autograd.OpTrace.Enter();
        if (tensors.Count == 0) throw new ArgumentException("Cat expects a non-empty list of tensors");
        var first = tensors[0];
        int d = Shapes.NormalizeDim(dim, first.Dim);
        foreach (var t in tensors)
        {
            if (t.Dim != first.Dim)
                throw new ArgumentException($"Tensors must have same number of dimensions: got {first.Dim} and {t.Dim}");
            for (int i = 0; i < first.Dim; i++)
                if (i != d && t.Shape[i] != first.Shape[i])
                    throw new ArgumentException($"Sizes of tensors must match except in dimension {d}. Expected size {first.Shape[i]} but got size {t.Shape[i]} for a tensor in the list (dimension {i})");
        }
        int outer = Shapes.Prod(first.Shape, 0, d), inner = Shapes.Prod(first.Shape, d + 1, first.Dim);
        int total = tensors.Sum(t => t.Shape[d]);
        var outShape = first.Shape.AsSpan().ToArray();
        outShape[d] = total;
        var result = new Tensor(outShape);
        int at = 0;
        foreach (var t in tensors)
        {
            int w = t.Shape[d] * inner;
            for (int o = 0; o < outer; o++)
                t.ReadOnlySpan.Slice(o * w, w).CopyTo(result.Storage.AsSpan(o * total * inner + at));
            at += w;
        }
        var inputs = tensors.ToArray();
        trace.Done("Concat", result, inputs, d);
        return Record(result, "CatBackward0", inputs, g =>
        {
            int pos = 0;
            foreach (var t in inputs)
            {
                int w = t.Shape[d] * inner;
                if (t.RequiresGrad)
                {
                    var gi = Autograd.GradPool.Rent(t.Numel);
                    for (int o = 0; o < outer; o++)
                        g.AsSpan(o * total * inner + pos, w).CopyTo(gi.AsSpan(o * w));
                    t.AccumulateGrad(gi);
                    Autograd.GradPool.Return(gi);
                }
                pos += w;
            }
        }, savesTensors: false);
    }

    /// <summary>Stacks equally shaped tensors along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Stack expects a non-empty list of tensors");
        foreach (var t in tensors)
            if (!Shapes.Equal(t.Shape, tensors[0].Shape))
                throw new ArgumentException($"stack expects each tensor to be equal size, but got {Shapes.Format(tensors[0].Shape)} at entry 0 and {Shapes.Format(t.Shape)}");
        int d = Shapes.NormalizeDim(dim, tensors[0].Dim + 1);
        using var trace = Autograd.OpTrace.Enter();
        return trace.Done("Stack", Cat(tensors.Select(t => t.Unsqueeze(d)).ToList(), d), tensors.ToArray<object>(), d);
    }

    /// <summary>Repeats size-1 dimensions to <paramref name="shape"/> (copies; gradient sums back).</summary>
    public Tensor Expand(params int[] shape)
    {
        var target = Shapes.Broadcast(_shape, shape);
        if (!Shapes.Equal(target, shape))
            throw new ArgumentException($"The expanded size of the tensor ({Shapes.Format(shape)}) must match the existing size ({Shapes.Format(_shape)}) at non-singleton dimensions");
        using var trace = Autograd.OpTrace.Enter();
        return trace.Done("Expand", this + Zeros(shape), new object[] { this });
    }
}
