using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

/// <summary>
/// Everything one Sgemm call needs, in a struct so a worker thread can run a piece of it without closures or
/// allocation. <see cref="Body"/> computes the block C[i0..i1, j0..j1]; pointers stay valid because the calling
/// thread holds them pinned until every piece is done.
/// </summary>
internal unsafe struct GemmJob
{
    public delegate*<ref GemmJob, int, int, int, int, void> Body;
    public int M, N, K;
    public float Alpha, Beta;
    public bool TransA, TransB;
    public float* A, B, C;
    public nint Lda, Ldb, Ldc;
    /// <summary>A row the first k-block adds instead of beta · C (beta is 1 then), repeated over the rows: the bias of a
    /// projection, so its rows need not be filled with it first. Null: beta · C.</summary>
    public float* RowBias;
    /// <summary>Pre-packed op(B) (PackedMatrix data), or null.</summary>
    public float* Packed;
    public int Npad;
    /// <summary>Strategy of the blocked path: pack op(A) / op(B) per call, or let the micro-kernel read them in place.</summary>
    public bool PackA, PackB;
    /// <summary>Contiguous copy of a strided vector operand, for the GEMV dot-product form.</summary>
    public float* X;
    /// <summary>How the work is cut for threads: along rows or columns of C, in pieces of whole <see cref="Unit"/>s.</summary>
    public bool SplitRows;
    public int Unit, Pieces;
    /// <summary>For <see cref="ParallelRows"/>: the row-range body and its context.</summary>
    public delegate*<void*, int, int, void> RowBody;
    public void* Context;
}

/// <summary>
/// A small pool of worker threads. After a job a worker spins briefly (about <see cref="SpinMicroseconds"/> µs, with
/// pause instructions) so back-to-back calls, as in an RNN's time loop, reach it in well under a microsecond; then it
/// sleeps on a semaphore and costs nothing, so it never burns a core another process needs. Waking a sleeping
/// worker costs 15–25 µs here, so only big jobs wait for that; small ones use a worker only while it is still
/// spinning, and wake it for the next call only when calls come in a burst.
/// The calling thread works too; pieces are claimed from a shared counter, so a worker that starts late (its core
/// busy elsewhere) takes fewer pieces, and one that has not started when the caller runs out is cancelled, not
/// waited for.
/// </summary>
internal static unsafe class GemmThreads
{
    const int Idle = 0, Signalled = 1, Running = 2;
    const int SpinMicroseconds = 50, MaxWorkers = 64; // one bit each in Run's mask
    static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;

    sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0), Done = new(0); // no allocation per wait
        public int State, Asleep;
    }

    static Worker[] s_workers = [];
    static GemmJob s_job;
    static int s_next, s_busy;
    static long s_lastEnd; // when the last threadable call ended, to tell a burst of calls from a lone one
    static readonly long BurstTicks = Stopwatch.Frequency / 10_000; // 100 µs

    /// <summary>
    /// Runs <paramref name="job"/> on up to <paramref name="threads"/> threads (the caller included); wakes sleeping
    /// workers only if <paramref name="wakeSleepers"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ref GemmJob job, int threads, bool wakeSleepers)
    {
        threads = Math.Min(threads, Math.Min(job.Pieces, MaxWorkers + 1));
        // One parallel call at a time: a second caller (another thread of the user's) just runs alone.
        if (threads <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            job.Body(ref job, 0, job.M, 0, job.N);
            return;
        }
        Worker[] workers = EnsureWorkers(threads - 1);
        bool burst = Stopwatch.GetTimestamp() - s_lastEnd < BurstTicks;
        s_job = job;
        s_next = 0;
        ulong signalled = 0;
        for (int w = 0; w < threads - 1; w++)
        {
            Worker worker = workers[w];
            if (!wakeSleepers && Volatile.Read(ref worker.Asleep) == 1)
            {
                // Too small to wait 15–25 µs for it: run without it. If calls are coming in a burst (an RNN's time
                // loop), wake it so it is spinning for the next one; a lone call does not pay the wake-up (~10 µs).
                if (burst && Interlocked.CompareExchange(ref worker.Asleep, 0, 1) == 1)
                    worker.Wake.Release();
                continue;
            }
            // Full fences on both sides: a worker about to sleep either sees Signalled or is seen Asleep.
            Interlocked.Exchange(ref worker.State, Signalled);
            if (Interlocked.CompareExchange(ref worker.Asleep, 0, 1) == 1)
                worker.Wake.Release();
            signalled |= 1UL << w;
        }
        RunPieces();
        for (int w = 0; w < threads - 1; w++)
            // Not started yet: cancel it instead of waiting for its core. Started: wait for it to finish.
            if ((signalled >> w & 1) != 0 && Interlocked.CompareExchange(ref workers[w].State, Idle, Signalled) != Signalled)
                workers[w].Done.Wait();
        s_lastEnd = Stopwatch.GetTimestamp();
        Volatile.Write(ref s_busy, 0);
    }

    static void RunPieces()
    {
        ref GemmJob job = ref s_job;
        for (int piece; (piece = Interlocked.Increment(ref s_next) - 1) < job.Pieces;)
        {
            int total = job.SplitRows ? job.M : job.N, units = (total + job.Unit - 1) / job.Unit;
            int from = Math.Min(total, (int)((long)units * piece / job.Pieces) * job.Unit);
            int to = Math.Min(total, (int)((long)units * (piece + 1) / job.Pieces) * job.Unit);
            if (job.SplitRows)
                job.Body(ref job, from, to, 0, job.N);
            else
                job.Body(ref job, 0, job.M, from, to);
        }
    }

    // Called only while holding s_busy, so one thread at a time grows the pool.
    static Worker[] EnsureWorkers(int count)
    {
        if (s_workers.Length >= count)
            return s_workers;
        var workers = new Worker[count];
        Array.Copy(s_workers, workers, s_workers.Length);
        for (int i = s_workers.Length; i < count; i++)
        {
            workers[i] = new Worker();
            new Thread(Loop) { IsBackground = true, Name = $"Recur GEMM worker {i + 1}" }.Start(workers[i]);
        }
        return s_workers = workers;
    }

    static void Loop(object? state)
    {
        var self = (Worker)state!;
        while (true)
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref self.State) != Signalled && Stopwatch.GetTimestamp() < until)
                Thread.SpinWait(20);
            if (Volatile.Read(ref self.State) != Signalled)
            {
                // Whoever turns Asleep back to 0 (the caller, below) owes one Release.
                Interlocked.Exchange(ref self.Asleep, 1);
                if (Volatile.Read(ref self.State) != Signalled || Interlocked.CompareExchange(ref self.Asleep, 0, 1) != 1)
                    self.Wake.Wait();
            }
            // Cancelled (the caller finished without us), or a stale wake-up: nothing to do.
            if (Interlocked.CompareExchange(ref self.State, Running, Signalled) != Signalled)
                continue;
            RunPieces();
            Volatile.Write(ref self.State, Idle);
            self.Done.Release();
        }
    }
}
