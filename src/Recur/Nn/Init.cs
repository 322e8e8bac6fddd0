namespace Recur.Nn;

/// <summary>
/// In-place parameter initialisers, as <c>torch.nn.init</c>: each fills the tensor (outside autograd, like PyTorch's
/// <c>no_grad</c> bodies), bumps its <see cref="Tensor.Version"/> and returns it. Random ones draw from
/// <c>generator</c>, or <see cref="Generator.Default"/> when it is null; the numbers differ from PyTorch's
/// (its random stream cannot be reproduced) but the distributions, bounds and fan rules are PyTorch's.
/// A zero-element tensor is left as it is (PyTorch warns and does nothing).
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for a nonlinearity, as <c>torch.nn.init.calculate_gain</c>: 1 for linear, conv and
    /// sigmoid, 5/3 for tanh, √2 for relu, √(2 / (1 + slope²)) for leaky_relu (slope <paramref name="param"/>, default 0.01),
    /// 3/4 for selu.</summary>
    /// <exception cref="ArgumentException">An unknown nonlinearity, or a leaky_relu slope that is not a number.</exception>
    public static float CalculateGain(string nonlinearity, float? param = null)
    {
        ArgumentNullException.ThrowIfNull(nonlinearity);
        switch (nonlinearity)
        {
            case "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid":
                return 1f;
            case "tanh": return 5f / 3f;
            case "relu": return MathF.Sqrt(2f);
            case "leaky_relu":
                float slope = param ?? 0.01f;
                if (float.IsNaN(slope)) throw new ArgumentException($"negative_slope {slope} not a valid number");
                return MathF.Sqrt(2f / (1f + slope * slope));
            case "selu": return 3f / 4f;
            default: throw new ArgumentException($"Unsupported nonlinearity {Clip(nonlinearity)}");
        }
    }

    /// <summary>Fills with U(<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static Tensor Uniform_(Tensor tensor, float a = 0f, float b = 1f, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        (generator ?? Generator.Default).FillUniform(tensor.Span, a, b);
        tensor.MarkModified();
        return tensor;
    }

    /// <summary>Fills with N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor Normal_(Tensor tensor, float mean = 0f, float std = 1f, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        (generator ?? Generator.Default).FillNormal(tensor.Span, mean, std);
        tensor.MarkModified();
        return tensor;
    }

    /// <summary>Fills with <paramref name="value"/>.</summary>
    public static Tensor Constant_(Tensor tensor, float value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Span.Fill(value);
        tensor.MarkModified();
        return tensor;
    }

    /// <summary>Fills with 0.</summary>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0f);

    /// <summary>Fills with 1.</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1f);

    /// <summary>Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static Tensor XavierUniform_(Tensor tensor, float gain = 1f, Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        float a = gain * MathF.Sqrt(2f / (fanIn + fanOut)) * MathF.Sqrt(3f);
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Glorot normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static Tensor XavierNormal_(Tensor tensor, float gain = 1f, Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        return Normal_(tensor, 0f, gain * MathF.Sqrt(2f / (fanIn + fanOut)), generator);
    }

    /// <summary>
    /// He uniform: U(−b, b) with b = gain·√(3 / fan), gain = <see cref="CalculateGain"/>(<paramref name="nonlinearity"/>,
    /// <paramref name="a"/>) and fan the input or output fan by <paramref name="mode"/> (<c>"fan_in"</c> or <c>"fan_out"</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 dimensions, an unknown mode or nonlinearity.</exception>
    public static Tensor KaimingUniform_(Tensor tensor, float a = 0f, string mode = "fan_in", string nonlinearity = "leaky_relu",
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Numel == 0) return ZeroElement(tensor);
        float bound = MathF.Sqrt(3f) * CalculateGain(nonlinearity, a) / MathF.Sqrt(Fan(tensor, mode));
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>He normal: N(0, std²) with std = gain / √fan (gain and fan as <see cref="KaimingUniform_"/>).</summary>
    /// <exception cref="ArgumentException">Fewer than 2 dimensions, an unknown mode or nonlinearity.</exception>
    public static Tensor KaimingNormal_(Tensor tensor, float a = 0f, string mode = "fan_in", string nonlinearity = "leaky_relu",
        Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Numel == 0) return ZeroElement(tensor);
        float std = CalculateGain(nonlinearity, a) / MathF.Sqrt(Fan(tensor, mode));
        return Normal_(tensor, 0f, std, generator);
    }

    /// <summary>
    /// A (semi-)orthogonal matrix times <paramref name="gain"/>, as <c>torch.nn.init.orthogonal_</c>: the tensor viewed as
    /// [size(0), rest] gets the Q of the QR decomposition of a standard-normal matrix (of its transpose when it is wide),
    /// with Q's columns signed so that R's diagonal is positive. Rows are orthonormal when rows ≤ columns, columns otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static Tensor Orthogonal_(Tensor tensor, float gain = 1f, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2) throw new ArgumentException("Only tensors with 2 or more dimensions are supported");
        if (tensor.Numel == 0) return tensor;
        int rows = tensor.Shape[0], cols = tensor.Numel / rows;
        var rng = generator ?? Generator.Default;
        var flat = new double[rows * cols]; // [rows, cols]
        for (int i = 0; i < flat.Length; i++) flat[i] = rng.NextNormal();
        bool wide = rows < cols;
        int m = wide ? cols : rows, n = wide ? rows : cols; // A: [m, n], m ≥ n
        var q = new double[m * n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                q[wide ? j * n + i : i * n + j] = flat[i * cols + j];
        OrthonormaliseColumns(q, m, n);
        var dst = tensor.Span;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                dst[i * cols + j] = (float)(gain * (wide ? q[j * n + i] : q[i * n + j]));
        tensor.MarkModified();
        return tensor;
    }

    /// <summary>
    /// Gram–Schmidt with a second pass ("twice is enough") on the columns of a: [m, n], m ≥ n, in place: the Q of the
    /// QR decomposition whose R has a positive diagonal — the same Q PyTorch gets from linalg.qr after its sign fix.
    /// </summary>
    private static void OrthonormaliseColumns(double[] a, int m, int n)
    {
        for (int j = 0; j < n; j++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += a[i * n + k] * a[i * n + j];
                    for (int i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
                }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += a[i * n + j] * a[i * n + j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++) a[i * n + j] /= norm;
        }
    }

    /// <summary>(fan_in, fan_out) = (size(1)·receptive, size(0)·receptive), receptive = product of dims from 2 on.</summary>
    private static (int FanIn, int FanOut) Fans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2)
            throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        int receptive = Shapes.Prod(tensor.Shape, 2, tensor.Dim);
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    private static int Fan(Tensor tensor, string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (mode is not ("fan_in" or "fan_out"))
            throw new ArgumentException($"Mode {Clip(mode)} not supported, please use one of fan_in, fan_out");
        var (fanIn, fanOut) = Fans(tensor);
        return mode == "fan_in" ? fanIn : fanOut;
    }

    private static Tensor ZeroElement(Tensor tensor)
    {
        Warnings.Warn("Initializing zero-element tensors is a no-op");
        return tensor;
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
