namespace Recur.Kernels;

// TEMPORARY: replaced by the gemm branch's KernelOptions on merge.
public static class KernelOptions
{
    public static bool UseSimd { get; set; } = Environment.GetEnvironmentVariable("RECUR_SIMD") != "0";
}
