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
}

/// <summary>
/// A small pool of worker threads that block on an event between calls (short spin, then sleep), so they never
/// burn a core another process needs. The calling thread works too; pieces are claimed from a shared counter, so a
/// worker that wakes late (its core busy elsewhere) takes fewer pieces or none, and is cancelled rather than waited
/// for if it has not started when the caller runs out of pieces.
/// </summary>
internal static unsafe class GemmThreads
{
    const int Idle = 0, Signalled = 1, Running = 2;

    // SemaphoreSlim: a short runtime-default spin, then a real sleep, and no allocation per wait.
    sealed class Worker
    {
        public readonly SemaphoreSlim Go = new(0), Done = new(0);
        public int State;
    }

    static Worker[] s_workers = [];
    static GemmJob s_job;
    static int s_next, s_busy;

    /// <summary>Runs <paramref name="job"/> on up to <paramref name="threads"/> threads (the caller included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ref GemmJob job, int threads)
    {
        threads = Math.Min(threads, job.Pieces);
        // One parallel call at a time: a second caller (another thread of the user's) just runs alone.
        if (threads <= 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            job.Body(ref job, 0, job.M, 0, job.N);
            return;
        }
        Worker[] workers = EnsureWorkers(threads - 1);
        s_job = job;
        s_next = 0;
        for (int w = 0; w < threads - 1; w++)
        {
            Volatile.Write(ref workers[w].State, Signalled);
            workers[w].Go.Release();
        }
        RunPieces();
        for (int w = 0; w < threads - 1; w++)
        {
            // Not started yet: cancel it instead of waiting for its core. Started: wait for it to finish.
            if (Interlocked.CompareExchange(ref workers[w].State, Idle, Signalled) != Signalled)
            {
                workers[w].Done.Wait();
            }
        }
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
            self.Go.Wait();
            // Cancelled (the caller finished without us), or a stale wake-up: nothing to do.
            if (Interlocked.CompareExchange(ref self.State, Running, Signalled) != Signalled)
                continue;
            RunPieces();
            Volatile.Write(ref self.State, Idle);
            self.Done.Release();
        }
    }
}
