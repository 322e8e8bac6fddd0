namespace Recur.Nn.Recurrent;

/// <summary>
/// Where one layer reads its input rows and writes its output rows: time-major (row t·N + b, the order the step loop
/// works in) or batch-major (row b·T + t: batch_first, read and written here instead of transposed copies around the
/// stack). Batch-major needs the same batch at every step (a padded batch, never a packed one).
/// </summary>
internal readonly record struct RowOrder(bool InputBatchMajor, bool OutputBatchMajor)
{
    /// <summary>dst row t·N + b = src row b·T + t.   src: [N, T, width] → dst: [T, N, width]</summary>
    public static void ToTimeMajor(ReadOnlySpan<float> src, Span<float> dst, int T, int N, int width)
    {
        for (int b = 0; b < N; b++)
            for (int t = 0; t < T; t++)
                src.Slice((b * T + t) * width, width).CopyTo(dst.Slice((t * N + b) * width, width));
    }

    /// <summary>dst row b·T + t = src row t·N + b.   src: [T, N, width] → dst: [N, T, width]</summary>
    public static void ToBatchMajor(ReadOnlySpan<float> src, Span<float> dst, int T, int N, int width)
    {
        for (int b = 0; b < N; b++)
            for (int t = 0; t < T; t++)
                src.Slice((t * N + b) * width, width).CopyTo(dst.Slice((b * T + t) * width, width));
    }
}
