namespace Recur.Kernels;

/// <summary>Which SIMD width the GEMM kernels use.</summary>
public enum VectorWidth
{
    /// <summary>The widest accelerated width: Vector512, else Vector256 with FMA, else the scalar reference.</summary>
    Auto,
    /// <summary>Force Vector256 (software-emulated, slow, where the CPU lacks AVX2/FMA).</summary>
    Vector256,
    /// <summary>Force Vector512 (software-emulated, slow, where the CPU lacks AVX-512).</summary>
    Vector512,
}

/// <summary>
/// Process-wide switches for the numeric kernels, so a parity test or an ablation benchmark can turn one
/// optimisation off. Read from environment variables at startup; settable at run time.
/// </summary>
public static class KernelOptions
{
    /// <summary>False sends every call to the scalar reference kernels. Env <c>RECUR_SIMD=0</c>.</summary>
    public static bool UseSimd { get; set; } = Environment.GetEnvironmentVariable("RECUR_SIMD") != "0";

    /// <summary>
    /// Recurrent layers multiply the input of all time steps by W_ih in one GEMM before the step loop (true), or
    /// one step at a time inside it (false). Env <c>RECUR_HOIST=0</c>.
    /// </summary>
    public static bool HoistInputProjection { get; set; } = Environment.GetEnvironmentVariable("RECUR_HOIST") != "0";

    /// <summary>
    /// Recurrent layers pack W_hh (and W_hr) once per call for the step loop (true), or hand the plain weight to
    /// every step's GEMM (false). Env <c>RECUR_PACK=0</c>.
    /// </summary>
    public static bool PackWeights { get; set; } = Environment.GetEnvironmentVariable("RECUR_PACK") != "0";

    /// <summary>Most threads one kernel call may use. Default: processor count; env <c>RECUR_THREADS</c>.</summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set => s_maxThreads = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be at least 1.");
    }

    /// <summary>Vector width of the SIMD kernels. Env <c>RECUR_VECTOR=256|512</c>.</summary>
    public static VectorWidth Width { get; set; } = Environment.GetEnvironmentVariable("RECUR_VECTOR") switch
    {
        "256" => VectorWidth.Vector256,
        "512" => VectorWidth.Vector512,
        _ => VectorWidth.Auto,
    };

    static int s_maxThreads = int.TryParse(Environment.GetEnvironmentVariable("RECUR_THREADS"), out int t) && t >= 1
        ? t : Environment.ProcessorCount;
}
