namespace Recur.Kernels;

/// <summary>
/// Runs a row-range body on the GEMM's worker pool (<see cref="GemmThreads"/>): the same threads, spinning between
/// an RNN step's product and its gate pass, so splitting the pass costs well under a microsecond.
/// </summary>
internal static unsafe class ParallelRows
{
    /// <summary>
    /// Calls <paramref name="body"/>(<paramref name="context"/>, i0, i1) over pieces covering rows 0..rows, on up to
    /// <see cref="KernelOptions.MaxThreads"/> threads (the caller included). Sleeping workers are not woken: a pass
    /// this short is not worth 15–25 µs, so it then runs on the calling thread alone. The context must stay valid
    /// (pinned) until the call returns.
    /// </summary>
    public static void Run(int rows, delegate*<void*, int, int, void> body, void* context) =>
        Run(rows, body, context, pieces: 0, wake: false);

    /// <summary>
    /// As the overload above, in <paramref name="pieces"/> pieces (0: two per thread), waking sleeping workers when
    /// <paramref name="wake"/> (for long bodies, worth the 15–25 µs).
    /// </summary>
    public static void Run(int rows, delegate*<void*, int, int, void> body, void* context, int pieces, bool wake)
    {
        int threads = Math.Min(KernelOptions.MaxThreads, rows);
        if (threads <= 1)
        {
            body(context, 0, rows);
            return;
        }
        var job = new GemmJob
        {
            M = rows, N = 1, SplitRows = true, Unit = 1, Pieces = Math.Min(rows, pieces > 0 ? pieces : 2 * threads),
            Body = &Trampoline, RowBody = body, Context = context,
        };
        GemmThreads.Run(ref job, threads, wakeSleepers: wake);
    }

    private static void Trampoline(ref GemmJob job, int i0, int i1, int j0, int j1) => job.RowBody(job.Context, i0, i1);
}
