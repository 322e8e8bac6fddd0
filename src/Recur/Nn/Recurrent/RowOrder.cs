namespace Recur.Nn.Recurrent;

/// <summary>
/// Where one layer reads its input rows and writes its output rows: time-major (row t·N + b, the order the step loop
/// works in) or batch-major (row b·T + t: batch_first, read and written here instead of transposed copies around the
/// stack). Batch-major needs the same batch at every step (a padded batch, never a packed one).
/// </summary>
internal readonly record struct RowOrder(bool InputBatchMajor, bool OutputBatchMajor)
{
    /// <summary>The batch-major row of time-major row <paramref name="r"/> = t·N + b: b·T + t.</summary>
    public static int BatchMajorRow(int r, int T, int N) => r % N * T + r / N;

    /// <summary>dst row t·N + b = src row b·T + t.   src: [N, T, width] → dst: [T, N, width]</summary>
    public static void ToTimeMajor(ReadOnlySpan<float> src, Span<float> dst, int T, int N, int width)
    {
        for (int r = 0; r < T * N; r++)
            src.Slice(BatchMajorRow(r, T, N) * width, width).CopyTo(dst.Slice(r * width, width));
    }

    /// <summary>dst row b·T + t = src row t·N + b.   src: [T, N, width] → dst: [N, T, width]</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> src, Span<float> dst, int T, int N, int width)
    {
        for (int r = 0; r < T * N; r++)
            src.Slice(r * width, width).CopyTo(dst.Slice(BatchMajorRow(r, T, N) * width, width));
    }
}
