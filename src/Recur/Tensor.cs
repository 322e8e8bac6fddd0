using Recur.Autograd;

namespace Recur;

/// <summary>
/// A float32 n-dimensional array in row-major order, with reverse-mode autograd.
/// Storage is always contiguous: <see cref="View"/>, <see cref="Reshape"/>, <see cref="Unsqueeze"/> and
/// <see cref="Squeeze(int)"/> share it; everything that would need strides (transpose, permute) copies.
/// </summary>
/// <remarks>
/// Operations live in <c>Tensor.*.cs</c> partial files, each with its backward right beside its forward.
/// </remarks>
public sealed partial class Tensor
{
    internal readonly float[] Storage;
    internal readonly int Offset;
    private readonly int[] _shape;

    /// <summary>Gradient accumulated by <see cref="Backward"/> (leaves only, as PyTorch).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The node that produced this tensor, or null for a leaf.</summary>
    internal Node? GradFn { get; set; }

    /// <summary>Gradient flowing into a non-leaf during one backward pass; cleared once consumed.</summary>
    internal float[]? PendingGrad;

    private bool _requiresGrad;

    /// <summary>Bumped by every in-place update (optimizer steps, <see cref="CopyFrom"/>), so caches can notice.</summary>
    public int Version { get; private set; }

    internal Tensor(float[] storage, int offset, int[] shape)
    {
        Storage = storage;
        Offset = offset;
        _shape = shape;
        Numel = Shapes.Numel(shape);
        if (offset < 0 || (long)offset + Numel > storage.Length)
            throw new ArgumentException($"storage of {storage.Length} elements cannot hold shape {Shapes.Format(shape)} at offset {offset}");
    }

    internal Tensor(int[] shape) : this(new float[Shapes.Numel(shape)], 0, shape) { }

    /// <summary>The dimensions, outermost first. Do not modify the returned array.</summary>
    public int[] Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Dim => _shape.Length;

    /// <summary>Total number of elements.</summary>
    public int Numel { get; }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end, as PyTorch).</summary>
    public int Size(int dim) => _shape[Shapes.NormalizeDim(dim, Dim)];

    /// <summary>The elements, row-major. Writing through this span bypasses autograd; call <see cref="MarkModified"/> after.</summary>
    public Span<float> Span => Storage.AsSpan(Offset, Numel);

    internal ReadOnlySpan<float> ReadOnlySpan => new(Storage, Offset, Numel);

    /// <summary>Whether backward computes a gradient for this tensor; only a leaf's flag can be turned off.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!value && GradFn != null)
                throw new InvalidOperationException("you can only change requires_grad flags of leaf variables; use Detach() instead");
            _requiresGrad = value;
        }
    }

    /// <summary>True when no operation recorded by autograd produced this tensor.</summary>
    public bool IsLeaf => GradFn == null;

    /// <summary>Record an in-place modification made outside autograd (see <see cref="Span"/>).</summary>
    public void MarkModified() => Version++;

    // ---- creation -------------------------------------------------------------------------------

    /// <summary>A new tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new(Shapes.Checked(shape));

    /// <summary>A new tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A new tensor with every element <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = new Tensor(Shapes.Checked(shape));
        t.Storage.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A 0-d tensor holding one value.</summary>
    public static Tensor Scalar(float value) => new(new[] { value }, 0, Array.Empty<int>());

    /// <summary>Wraps <paramref name="data"/> (no copy) with the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        shape = Shapes.Checked(shape);
        if (Shapes.Numel(shape) != data.Length)
            throw new ArgumentException($"shape {Shapes.Format(shape)} is invalid for input of size {data.Length}");
        return new Tensor(data, 0, shape);
    }

    /// <summary>A 1-d tensor copied from <paramref name="values"/>.</summary>
    public static Tensor From(params float[] values) => new(values.AsSpan().ToArray(), 0, new[] { values.Length });

    /// <summary>A copy of a rectangular 2-d array.</summary>
    public static Tensor From(float[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var t = new Tensor(new[] { rows, cols });
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t.Storage[i * cols + j] = values[i, j];
        return t;
    }

    /// <summary>Zeros of <paramref name="t"/>'s shape.</summary>
    public static Tensor ZerosLike(Tensor t) => Zeros(t.Shape);

    /// <summary>Values 0, 1, …, n−1.</summary>
    public static Tensor Arange(int n)
    {
        var t = new Tensor(new[] { n });
        for (int i = 0; i < n; i++) t.Storage[i] = i;
        return t;
    }

    /// <summary>n evenly spaced values from start to end inclusive (numpy's linspace, computed in double).</summary>
    public static Tensor Linspace(double start, double end, int n)
    {
        var t = new Tensor(new[] { n });
        for (int i = 0; i < n; i++) t.Storage[i] = (float)(n == 1 ? start : start + (end - start) * i / (n - 1));
        return t;
    }

    /// <summary>Standard normal samples from <see cref="Generator.Default"/> (<c>torch.randn</c>).</summary>
    public static Tensor Randn(params int[] shape) => Randn(Generator.Default, shape);

    /// <summary>Standard normal samples from <paramref name="rng"/>.</summary>
    public static Tensor Randn(Generator rng, params int[] shape)
    {
        var t = Zeros(shape);
        rng.FillNormal(t.Storage);
        return t;
    }

    /// <summary>Uniform samples in [low, high).</summary>
    public static Tensor Uniform(float low, float high, params int[] shape) => Uniform(Generator.Default, low, high, shape);

    /// <summary>Uniform samples in [low, high) from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Generator rng, float low, float high, params int[] shape)
    {
        var t = Zeros(shape);
        rng.FillUniform(t.Storage, low, high);
        return t;
    }

    // ---- element access -------------------------------------------------------------------------

    /// <summary>The single value of a one-element tensor (PyTorch's <c>item()</c>).</summary>
    public float Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"a Tensor with {Numel} elements cannot be converted to Scalar");
        return Storage[Offset];
    }

    /// <summary>The element at <paramref name="index"/> (one index per dimension), read or written.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[params int[] index]
    {
        get => Storage[Offset + FlatIndex(index)];
        set { Storage[Offset + FlatIndex(index)] = value; Version++; }
    }

    private int FlatIndex(int[] index)
    {
        if (index.Length != Dim)
            throw new ArgumentException($"expected {Dim} indices for shape {Shapes.Format(_shape)}, got {index.Length}");
        int flat = 0;
        for (int d = 0; d < Dim; d++)
        {
            int i = index[d] < 0 ? index[d] + _shape[d] : index[d];
            if ((uint)i >= (uint)_shape[d])
                throw new IndexOutOfRangeException($"index {index[d]} is out of bounds for dimension {d} with size {_shape[d]}");
            flat = flat * _shape[d] + i;
        }
        return flat;
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => ReadOnlySpan.ToArray();

    // ---- autograd entry points ------------------------------------------------------------------

    /// <summary>
    /// Back-propagates from this tensor: every leaf that requires grad and contributed gets
    /// d(this)/d(leaf) added to its <see cref="Grad"/>. Without <paramref name="gradient"/> this must be a scalar.
    /// The graph's saved values are freed afterwards, as PyTorch's: a second backward through it throws
    /// <see cref="InvalidOperationException"/> unless the first passed <paramref name="retainGraph"/> = true
    /// (then the second adds its gradients to the first's).
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Engine.Backward(this, gradient, retainGraph);

    /// <summary>A tensor sharing this one's storage, cut from the graph (PyTorch's <c>detach()</c>).</summary>
    public Tensor Detach()
    {
        using var trace = OpTrace.Enter();
        return trace.Done("Identity", new Tensor(Storage, Offset, _shape), new object[] { this });
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for fluent construction.</summary>
    public Tensor RequireGrad(bool requires = true)
    {
        RequiresGrad = requires;
        return this;
    }

    /// <summary>A deep copy, detached from the graph.</summary>
    public Tensor Clone()
    {
        using var trace = OpTrace.Enter();
        return trace.Done("Identity", new Tensor(ToArray(), 0, _shape.AsSpan().ToArray()), new object[] { this });
    }

    /// <summary>Copies <paramref name="source"/>'s values into this tensor in place (no autograd).</summary>
    public void CopyFrom(Tensor source)
    {
        if (!Shapes.Equal(source.Shape, _shape))
            throw new ArgumentException($"copy shape mismatch: expected {Shapes.Format(_shape)}, got {Shapes.Format(source.Shape)}");
        source.ReadOnlySpan.CopyTo(Span);
        Version++;
    }

    /// <summary>
    /// The values as PyTorch 1.13 prints them: <c>tensor([[0.1000, 0.2000]], grad_fn=&lt;AddBackward0&gt;)</c>, or
    /// <c>requires_grad=True</c> for a leaf that requires grad; 4 decimals, <c>1., 2.</c> for whole numbers, scientific
    /// notation where PyTorch uses it, and past 1000 elements the first and last 3 items of each dimension around <c>...</c>.
    /// </summary>
    public override string ToString() => TensorFormat.Float(ReadOnlySpan, _shape, GradFn?.Name, RequiresGrad);
}
