namespace Recur.Autograd;

/// <summary>
/// Recycles the pending-gradient buffers of intermediate tensors from one backward to the next. They live only
/// inside <see cref="Engine.Backward"/> (created on first use, dropped once their node has run), so a training loop
/// that allocated them fresh paid for every one again each step — at medium LSTM sizes 26 MB of large-object-heap
/// arrays per step, each collected only by a generation-2 GC, and each a run of page faults on first touch.
/// Buffers are kept by exact length (shapes repeat from step to step); small ones are not worth a lookup.
/// </summary>
internal static class GradPool
{
    /// <summary>Shorter buffers are plain allocations (gen-0, cheap).</summary>
    private const int MinLength = 4096;
    /// <summary>At most this many floats are held (256 MiB), and a few buffers per length.</summary>
    private const long MaxHeldFloats = 64L << 20;
    private const int MaxPerLength = 8;

    private static readonly Dictionary<int, Stack<float[]>> s_free = new();
    private static long s_held;
    private static readonly Lock s_lock = new();

    /// <summary>A buffer of exactly <paramref name="length"/> floats: zeroed, or with stale contents when
    /// <paramref name="clear"/> is false (for a caller that overwrites every element).</summary>
    public static float[] Rent(int length, bool clear = true)
    {
        if (length >= MinLength)
            lock (s_lock)
                if (s_free.TryGetValue(length, out var stack) && stack.Count > 0)
                {
                    var a = stack.Pop();
                    s_held -= a.Length;
                    if (clear) Array.Clear(a);
                    return a;
                }
        return clear ? new float[length] : GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Hands <paramref name="a"/> back; the caller must hold no other reference to it.</summary>
    public static void Return(float[]? a)
    {
        if (a is null || a.Length < MinLength) return;
        lock (s_lock)
        {
            if (s_held + a.Length > MaxHeldFloats) return;
            if (!s_free.TryGetValue(a.Length, out var stack)) s_free[a.Length] = stack = new Stack<float[]>();
            if (stack.Count >= MaxPerLength) return;
            stack.Push(a);
            s_held += a.Length;
        }
    }
}
