using System.Buffers;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using Recur.Autograd;
using Recur.Kernels;

namespace Recur.Nn.Recurrent;

/// <summary>
/// One recurrent layer (one or two directions) over a whole sequence, forward and BPTT, as a single
/// autograd node. Every recurrent module (RNN, LSTM, GRU, their cells, packed or padded) runs through here.
/// </summary>
/// <remarks>
/// Layout: the input is a matrix of <c>rows</c> time-major rows, <c>batchSizes[t]</c> of them at step t
/// (non-increasing: PyTorch's packed layout; a padded batch is the case batchSizes = [N, N, …]).
/// Sequence b is active at step t iff b &lt; batchSizes[t], so the active rows are always a prefix and the
/// state of a finished sequence simply stops being updated.
/// Per direction:
///   Gx = X·W_ihᵀ + b_ih (+ b_hh unless GRU)     hoisted out of the step loop: one GEMM per chunk of steps
///   per step t: gates = Gx_t + h_{t−1}·W_hhᵀ,  then the cell's pointwise update (<see cref="Gates"/>)
/// Backward walks the steps in reverse, produces dGates for every row, and then forms every weight
/// gradient with one GEMM each: dW_ih = dGxᵀ·X, dW_hh = dGhᵀ·H_prev, dX = dGx·W_ih.
/// No allocation happens inside the time-step loops.
/// </remarks>
internal static unsafe class RecurrentLayer
{
    /// <summary>
    /// x: [rows, in]; h0: [D, N, Hout] or null (zeros); c0: [D, N, H] or null (LSTM only).
    /// Returns out: [rows, D·Hout] (forward | reverse halves), hN: [D, N, Hout], cN: [D, N, H] (LSTM) or null.
    /// The rows of x and out are time-major unless <paramref name="order"/> says batch-major.
    /// </summary>
    /// <remarks>
    /// <paramref name="pooledOutput"/>: without a backward to come, <c>out</c> may live in a buffer rented from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/>; the caller hands it back (<see cref="ReturnPooled"/>) once it has
    /// been read — the stack does so for the rows passed from one layer to the next, so inference allocates only
    /// what it returns.
    /// </remarks>
    public static (Tensor Out, Tensor HN, Tensor? CN) Forward(
        CellKind cell, Tensor x, int[] batchSizes, Tensor? h0, Tensor? c0, DirectionWeights[] dirs, int hidden,
        bool pooledOutput = false, RowOrder order = default)
    {
        var g = new Geometry(cell, x, batchSizes, dirs, hidden);
        if ((order.InputBatchMajor || order.OutputBatchMajor) && Array.Exists(batchSizes, b => b != batchSizes[0]))
            throw new InvalidOperationException("Batch-major rows need the same batch at every step.");
        var inputs = new List<Tensor>(4 + 5 * dirs.Length) { x };
        if (h0 != null) inputs.Add(h0);
        if (c0 != null) inputs.Add(c0);
        foreach (var w in dirs) inputs.AddRange(w.All);
        var inputArray = inputs.ToArray();
        bool keep = Tensor.AnyRequiresGrad(inputArray); // keep per-step state for a backward

        var ws = new Workspace();
        var sweeps = new Sweep[g.D];
        bool pooled = pooledOutput && !keep;
        var xRows = x;                    // time-major: a copy from the workspace when x is batch-major
        if (order.InputBatchMajor)
        {
            var buf = ws.Rent(g.Rows * g.In);
            RowOrder.ToTimeMajor(x.ReadOnlySpan, buf, g.T, g.N, g.In);
            xRows = new Tensor(buf, 0, new[] { g.Rows, g.In });
        }
        for (int d = 0; d < g.D; d++)
        {
            // Without a backward, the time loop's own chunked projection writes into a ring of one chunk of gate rows (they
            // stay in cache) instead of rows for the whole sequence (52 MB per layer at medium sizes, each chunk's lines
            // fetched from memory before being overwritten); the batch split projects every row first, so it keeps them all.
            bool ring = !keep && GateRing && !SplitBatch(g);
            var s = sweeps[d] = new Sweep(g, ws, keep, ownOutput: g.D == 1 && !order.OutputBatchMajor, pooled,
                gxRows: ring ? Math.Min(g.Rows, LoopChunkSteps(g) * g.N) : g.Rows);
            var w = dirs[d];
            var hState = s.HState.AsSpan(0, g.N * g.Hout);
            if (h0 is null) hState.Clear();
            else h0.ReadOnlySpan.Slice(d * g.N * g.Hout, g.N * g.Hout).CopyTo(hState);
            if (s.CState != null)
            {
                var cState = s.CState.AsSpan(0, g.N * g.H);
                if (c0 is null) cState.Clear();
                else c0.ReadOnlySpan.Slice(d * g.N * g.H, g.N * g.H).CopyTo(cState);
            }
            var sweep = new ForwardVisitor { G = g, S = s, W = w, X = xRows, Ws = ws, Reverse = d == 1, Keep = keep, B1 = g.N };
            if (SplitBatch(g))
            {
                ProjectAll(g, s, w, xRows, ws);
                sweep.Projected = true;
                RunSplit(g.N, (b0, b1) => { var v = sweep; (v.B0, v.B1) = (b0, b1); CellSteps.Dispatch(v.G.Cell, ref v); });
            }
            else CellSteps.Dispatch(cell, ref sweep);
        }

        var outT = g.D == 1 && !order.OutputBatchMajor ? new Tensor(sweeps[0].Hs, 0, new[] { g.Rows, g.Hout })
            : Interleave(g, sweeps, pooled, order.OutputBatchMajor);
        var hN = Tensor.Zeros(g.D, g.N, g.Hout);
        var cN = cell == CellKind.Lstm ? Tensor.Zeros(g.D, g.N, g.H) : null;
        for (int d = 0; d < g.D; d++)
        {
            sweeps[d].HState.AsSpan(0, g.N * g.Hout).CopyTo(hN.Span.Slice(d * g.N * g.Hout));
            sweeps[d].CState?.AsSpan(0, g.N * g.H).CopyTo(cN!.Span.Slice(d * g.N * g.H));
        }
        if (!keep)
        {
            ws.Release();
            return (outT, hN, cN);
        }

        var outputs = cN is null ? new[] { outT, hN } : new[] { outT, hN, cN };
        bool freed = false;
        Tensor.RecordMany(NodeName(cell), inputArray, outputs, () =>
        {
            // The engine refuses a freed node first; this guard keeps the returned buffers from ever being read.
            if (freed) throw new InvalidOperationException(Autograd.Engine.FreedGraphMessage);
            Backward(g, x, xRows, order, h0, c0, dirs, sweeps, ws, outT.PendingGrad, hN.PendingGrad, cN?.PendingGrad);
        },
        // The workspace goes back to the pool when the engine frees the node (after a backward without retain_graph).
        release: () => { freed = true; ws.Release(); });
        return (outT, hN, cN);
    }

    private static string NodeName(CellKind cell) => CellSteps.NodeName(cell);

    /// <summary>Sizes shared by the forward and the backward of one call.</summary>
    private sealed class Geometry
    {
        public readonly CellKind Cell;
        public readonly int D, Rows, In, N, T, H, Hout, GH;
        public readonly bool Proj;
        public readonly int[] BatchSizes, RowStart;

        public Geometry(CellKind cell, Tensor x, int[] batchSizes, DirectionWeights[] dirs, int hidden)
        {
            Cell = cell;
            D = dirs.Length;
            BatchSizes = batchSizes;
            T = batchSizes.Length;
            N = T == 0 ? 0 : batchSizes[0];
            RowStart = new int[T + 1];
            for (int t = 0; t < T; t++) RowStart[t + 1] = RowStart[t] + batchSizes[t];
            Rows = RowStart[T];
            In = x.Size(1);
            H = hidden;
            Proj = dirs[0].WeightHr != null;
            Hout = Proj ? dirs[0].WeightHr!.Size(0) : hidden;
            GH = cell.GateCount() * hidden;
            if (x.Size(0) != Rows)
                throw new ArgumentException($"packed input has {x.Size(0)} rows but batch_sizes sum to {Rows}");
        }
    }

    /// <summary>
    /// Everything one direction's forward keeps for its backward (all [rows, ·] row-major), from the workspace.
    /// Without a backward to come (<c>keep</c> false) only the running state is kept: h_{t−1} is read from it,
    /// c is updated in place, and the per-step scratch is one step long.
    /// </summary>
    private sealed class Sweep
    {
        public readonly float[] Gx;       // gate pre-activations, then activations      [rows, GH] (a chunk's rows when Ring)
        public readonly bool Ring;        // Gx holds one chunk of steps, from row RowStart[chunk's first step]
        public readonly float[] Hs;       // h_t (the output itself when ownOutput)        [rows, Hout]
        public readonly float[]? Hprev;   // h_{t−1} as used at step t                    [rows, Hout]
        public readonly float[]? Cs;      // c_t (LSTM)                                    [rows, H]
        public readonly float[]? Cprev;   // c_{t−1} (LSTM)                                [rows, H]
        public readonly float[]? R;       // o·tanh(c) before the projection (LSTM proj)   [rows, H] ([N, H] without keep)
        public readonly float[]? Ghn;     // W_hn·h + b_hn (GRU)                           [rows, H] ([N, H] without keep)
        public readonly float[] HState;   // running state, h_n at the end                 [N, Hout]
        public readonly float[]? CState;  // running cell state, c_n at the end            [N, H]
        public readonly float[]? GhScratch; // one step of W_hh·h + b_hh (GRU)            [N, GH]

        public Sweep(Geometry g, Workspace ws, bool keep, bool ownOutput, bool pooled, int gxRows)
        {
            int stepRows = keep ? g.Rows : g.N;
            Ring = gxRows < g.Rows;
            Gx = ws.Rent(gxRows * g.GH);
            // Every row of h is written before it is read: no need to clear the output (13 MB at medium sizes).
            Hs = !ownOutput ? ws.Rent(g.Rows * g.Hout)
                : pooled ? ArrayPool<float>.Shared.Rent(Math.Max(1, g.Rows * g.Hout))
                : GC.AllocateUninitializedArray<float>(g.Rows * g.Hout);
            HState = ws.Rent(g.N * g.Hout);
            if (keep) Hprev = ws.Rent(g.Rows * g.Hout);
            if (g.Cell == CellKind.Lstm)
            {
                CState = ws.Rent(g.N * g.H);
                if (keep)
                {
                    Cs = ws.Rent(g.Rows * g.H);
                    Cprev = ws.Rent(g.Rows * g.H);
                }
                if (g.Proj) R = ws.Rent(stepRows * g.H);
            }
            if (CellSteps.SeparateRecurrent(g.Cell))
            {
                Ghn = ws.Rent(stepRows * g.H);
                GhScratch = ws.Rent(g.N * g.GH);
            }
        }
    }

    // ---- forward ------------------------------------------------------------------------------------

    private struct ForwardVisitor : ICellVisitor
    {
        public Geometry G;
        public Sweep S;
        public DirectionWeights W;
        public Tensor X;
        public Workspace Ws;
        public bool Reverse, Keep, Projected;
        public int B0, B1;
        public readonly void Visit<TCell>() where TCell : struct, ICellStep =>
            ForwardSweep<TCell>(G, S, W, X, Ws, Reverse, Keep, Projected, B0, B1);
    }

    /// <summary>Settable for the tuning probe and the parity tests: split long batches between threads (see <see cref="SplitBatch"/>).</summary>
    internal static bool BatchSplit = true;
    /// <summary>Fewest batch rows per thread for <see cref="SplitBatch"/>.</summary>
    internal static int BatchSplitMinRows = 16;

    /// <summary>
    /// Whether the step loops run on the kernel threads as independent slices of the batch. The sequences of a batch
    /// never meet inside a layer (row b of every step's product reads only row b of h), so each thread can run the
    /// whole time loop for its rows with no synchronisation per step — instead of meeting twice per step to split the
    /// recurrent product by columns and the gate pass by rows. The input projection runs first, over all rows.
    /// </summary>
    private static bool SplitBatch(Geometry g) =>
        BatchSplit && KernelOptions.MaxThreads > 1 && KernelOptions.HoistInputProjection
        && g.N >= BatchSplitMinRows * KernelOptions.MaxThreads;

    /// <summary>Settable for the tuning probe and the parity tests: the projection's bias added in the product's epilogue
    /// (else written into every gate row first, then accumulated onto; bitwise the same).</summary>
    internal static bool BiasEpilogue = true;

    /// <summary>Gx = X·W_ihᵀ + bias for every row of one direction, as one (threaded) product.</summary>
    private static void ProjectAll(Geometry g, Sweep s, DirectionWeights w, Tensor x, Workspace ws)
    {
        var wihT = new StepWeight(w.WeightIh, true, g.In, g.GH);
        Project(g, s, x.ReadOnlySpan, wihT, ProjectionBias(g, w, ws), 0, g.Rows, 0);
        wihT.Release();
    }

    /// <summary>Gx rows [gx0, gx0 + rows) = X rows [a0, a0 + rows) · W_ihᵀ + <paramref name="biasRow"/>.   x: [rows, In] → Gx: [rows, GH]</summary>
    private static void Project(Geometry g, Sweep s, ReadOnlySpan<float> xs, StepWeight wihT, float[]? biasRow, int a0, int rows, int gx0)
    {
        var gxRows = s.Gx.AsSpan(gx0 * g.GH, rows * g.GH);
        var xRows = xs.Slice(a0 * g.In, rows * g.In);
        if (biasRow is null)
            wihT.Multiply(rows, xRows, g.In, 0f, gxRows, g.GH);
        else // the bias added in the product's epilogue, not written into every row first
            wihT.MultiplyAddRow(rows, xRows, g.In, biasRow.AsSpan(0, g.GH), gxRows, g.GH, BiasEpilogue);
    }

    /// <summary>What every row of Gx starts as: b_ih, plus b_hh where the cell adds both biases to the same sum (RNN,
    /// LSTM: folded in once); a cell with a separate recurrent sum (GRU) adds b_hh there instead.</summary>
    private static float[]? ProjectionBias(Geometry g, DirectionWeights w, Workspace ws) =>
        BiasRow(ws, g.GH, w.BiasIh, CellSteps.SeparateRecurrent(g.Cell) ? null : w.BiasHh);

    /// <summary>Runs <paramref name="body"/>(b0, b1) over one slice of the batch per kernel thread, waking them.</summary>
    private static void RunSplit(int batch, Action<int, int> body)
    {
        var handle = GCHandle.Alloc(body);
        try { ParallelRows.Run(batch, &SplitBody, (void*)GCHandle.ToIntPtr(handle), KernelOptions.MaxThreads, wake: true); }
        finally { handle.Free(); }
    }

    private static void SplitBody(void* context, int b0, int b1) =>
        ((Action<int, int>)GCHandle.FromIntPtr((nint)context).Target!)(b0, b1);

    /// <summary>
    /// One direction's time loop over batch rows [b0, b1) (all of them unless the batch is split between threads).
    /// <paramref name="projected"/>: Gx already holds the input projection (else it is made here in chunks).
    /// </summary>
    private static void ForwardSweep<TCell>(Geometry g, Sweep s, DirectionWeights w, Tensor x, Workspace ws, bool reverse, bool keep,
        bool projected, int b0, int b1)
        where TCell : struct, ICellStep
    {
        int H = g.H, Hout = g.Hout, GH = g.GH;
        var whhT = new StepWeight(w.WeightHh, true, Hout, GH);                                  // W_hhᵀ: [Hout, GH]
        var whrT = g.Proj ? new StepWeight(w.WeightHr!, true, H, Hout) : default;              // W_hrᵀ: [H, P]
        var wihT = projected ? default : new StepWeight(w.WeightIh, true, g.In, GH);          // W_ihᵀ: [In, GH]
        var xs = x.ReadOnlySpan;
        var bhh = w.BiasHh is null ? default : w.BiasHh.ReadOnlySpan;
        var biasRow = projected ? null : ProjectionBias(g, w, ws);
        bool hoist = KernelOptions.HoistInputProjection;
        int chunk = LoopChunkSteps(g), ringBase = 0; // ringBase: the Gx ring's first row (0 when Gx holds every row)

        for (int step = 0; step < g.T; step++)
        {
            int t = reverse ? g.T - 1 - step : step;
            int bs = g.BatchSizes[t], r0 = g.RowStart[t];
            if (!projected && step % chunk == 0)
            {
                // Gx = X·W_ihᵀ + bias for the next `chunk` steps as one product, just before the loop needs them: the
                // rows are still in cache when the recurrent product and the gate pass read and write them (all steps at
                // once sent every pass over the gate rows through memory: 52 MB per pass per layer at medium sizes).
                // Every row's arithmetic is the same whatever the chunking, so results are bitwise those of one product.
                int t0 = reverse ? Math.Max(0, t - chunk + 1) : t, t1 = reverse ? t + 1 : Math.Min(g.T, t + chunk);
                if (!hoist) (t0, t1) = (t, t + 1);
                if (s.Ring) ringBase = g.RowStart[t0];
                Project(g, s, xs, wihT, biasRow, g.RowStart[t0], g.RowStart[t1] - g.RowStart[t0], g.RowStart[t0] - ringBase);
            }
            // This sweep's active rows of step t: batch rows lo..hi, buffer rows rr.. (state buffers: lo..).
            int lo = b0, n = Math.Min(b1, bs) - lo, rr = r0 + lo;
            if (n <= 0) continue;
            var state = s.HState.AsSpan(lo * Hout, n * Hout);
            var hPrev = state;                    // h_{t−1}: the running state's active rows,
            if (keep)                             // copied aside when a backward will need it
            {
                hPrev = s.Hprev.AsSpan(rr * Hout, n * Hout);
                state.CopyTo(hPrev);
            }
            var gates = s.Gx.AsSpan((rr - ringBase) * GH, n * GH);
            var h = s.Hs.AsSpan(rr * Hout, n * Hout);

            // The recurrent product: into the gates, or (GRU) into its own buffer with b_hh.
            Span<float> gh = default;
            if (TCell.SeparateRecurrent)
            {
                gh = s.GhScratch.AsSpan(lo * GH, n * GH);
                bool bias = !bhh.IsEmpty;
                if (bias) for (int b = 0; b < n; b++) bhh.CopyTo(gh.Slice(b * GH, GH));
                whhT.Multiply(n, hPrev, Hout, bias ? 1f : 0f, gh, GH);
            }
            else whhT.Multiply(n, hPrev, Hout, 1f, gates, GH);

            Span<float> cPrev = default, c = default;
            if (TCell.HasCellState)
            {
                var cState = s.CState.AsSpan(lo * H, n * H);
                cPrev = c = cState;               // without keep: c updated in place
                if (keep)
                {
                    cPrev = s.Cprev.AsSpan(rr * H, n * H);
                    c = s.Cs.AsSpan(rr * H, n * H);
                    cState.CopyTo(cPrev);
                }
            }
            var r = whrT.IsNull ? h : s.R.AsSpan((keep ? rr : lo) * H, n * H);
            CellPass.Forward<TCell>(new StepForward
            {
                Gates = gates, Gh = gh, HPrev = hPrev, H = r, CPrev = cPrev, C = c,
                Ghn = s.Ghn is null ? default : s.Ghn.AsSpan((keep ? rr : lo) * H, n * H),
                Batch = n, Hidden = H,
            });
            if (!whrT.IsNull) whrT.Multiply(n, r, H, 0f, h, Hout); // h = r·W_hrᵀ
            if (TCell.HasCellState && keep) c.CopyTo(s.CState.AsSpan(lo * H, n * H));
            h.CopyTo(state);
        }
        whhT.Release();
        whrT.Release();
        wihT.Release();
    }

    /// <summary>The output rows [rows, D·Hout] from each direction's h rows (forward | reverse halves), time-major or
    /// batch-major (row t·N + b of a direction goes to row b·T + t).</summary>
    private static Tensor Interleave(Geometry g, Sweep[] sweeps, bool pooled, bool batchMajor)
    {
        int width = g.D * g.Hout;
        var o = pooled ? ArrayPool<float>.Shared.Rent(Math.Max(1, g.Rows * width)) : GC.AllocateUninitializedArray<float>(g.Rows * width);
        for (int d = 0; d < g.D; d++)
            for (int r = 0; r < g.Rows; r++)
            {
                int dst = batchMajor ? RowOrder.BatchMajorRow(r, g.T, g.N) : r;
                sweeps[d].Hs.AsSpan(r * g.Hout, g.Hout).CopyTo(o.AsSpan(dst * width + d * g.Hout));
            }
        return new Tensor(o, 0, new[] { g.Rows, width });
    }

    /// <summary>Gives back the storage of an output made with <c>pooledOutput</c>; the tensor must not be used again.</summary>
    public static void ReturnPooled(Tensor output) => ArrayPool<float>.Shared.Return(output.Storage);

    /// <summary>b1 + b2 as one row (either may be null; null when there is no bias at all).</summary>
    private static float[]? BiasRow(Workspace ws, int width, Tensor? b1, Tensor? b2)
    {
        if (b1 is null && b2 is null) return null;
        var row = ws.Rent(width);
        if (b1 != null && b2 != null) TensorPrimitives.Add(b1.ReadOnlySpan, b2.ReadOnlySpan, row);
        else (b1 ?? b2)!.ReadOnlySpan.CopyTo(row);
        return row;
    }

    /// <summary>Settable for the tuning probe and the parity tests: inference's gate rows in a one-chunk ring (see Forward).</summary>
    internal static bool GateRing = true;

    /// <summary>Steps per projection product in the time loop: <see cref="ChunkSteps"/>, or one without hoisting.</summary>
    private static int LoopChunkSteps(Geometry g) => KernelOptions.HoistInputProjection ? ChunkSteps(g) : 1;

    /// <summary>Target size of one chunk of gate rows (settable for the tuning probe; huge = all steps at once).</summary>
    internal static long ChunkBytes = 1 << 20;

    /// <summary>
    /// Steps per input-projection product: about 1 MiB of gate rows (half a Xeon L2, the L3 slice's share on Zen), and
    /// at least 128 rows so the product keeps its efficiency.
    /// </summary>
    private static int ChunkSteps(Geometry g)
    {
        if (g.N == 0) return 1;
        int byBytes = (int)Math.Min(int.MaxValue, ChunkBytes / (4L * g.N * g.GH)), byRows = (128 + g.N - 1) / g.N;
        return Math.Clamp(Math.Max(byBytes, byRows), 1, Math.Max(1, g.T));
    }

    // ---- backward -----------------------------------------------------------------------------------

    /// <summary>BPTT for every direction. x: the input as given (its gradient is accumulated in its order); xRows: the
    /// same rows time-major (x itself unless <paramref name="order"/> says batch-major).</summary>
    private static void Backward(Geometry g, Tensor x, Tensor xRows, RowOrder order, Tensor? h0, Tensor? c0, DirectionWeights[] dirs,
        Sweep[] sweeps, Workspace ws, float[]? gOut, float[]? gHn, float[]? gCn)
    {
        if (gOut != null && order.OutputBatchMajor)
        {
            var timeMajor = ws.Rent(g.Rows * g.D * g.Hout);
            RowOrder.ToTimeMajor(gOut, timeMajor, g.T, g.N, g.D * g.Hout);
            gOut = timeMajor;
        }
        float[]? dx = x.RequiresGrad ? ws.RentZeroed(x.Numel) : null;
        float[]? dh0 = h0 is { RequiresGrad: true } ? ws.Rent(h0.Numel) : null;
        float[]? dc0 = c0 is { RequiresGrad: true } ? ws.Rent(c0.Numel) : null;
        var dGx = ws.Rent(g.Rows * g.GH);
        var dGh = CellSteps.SeparateRecurrent(g.Cell) ? ws.Rent(g.Rows * g.GH) : dGx; // RNN/LSTM: the same gradient reaches both biases
        var dHall = g.Proj ? ws.Rent(g.Rows * g.Hout) : null;
        var dH = ws.Rent(g.N * g.Hout);
        var dC = g.Cell == CellKind.Lstm ? ws.Rent(g.N * g.H) : null;
        var dR = g.Proj ? ws.Rent(g.N * g.H) : null;
        var ones = Workspace.Ones(g.Rows);

        for (int d = 0; d < g.D; d++)
        {
            var s = sweeps[d];
            var w = dirs[d];
            var dh = dH.AsSpan(0, g.N * g.Hout);
            if (gHn is null) dh.Clear();
            else gHn.AsSpan(d * g.N * g.Hout, g.N * g.Hout).CopyTo(dh);
            if (dC != null)
            {
                var dc = dC.AsSpan(0, g.N * g.H);
                if (gCn is null) dc.Clear();
                else gCn.AsSpan(d * g.N * g.H, g.N * g.H).CopyTo(dc);
            }
            var sweep = new BackwardVisitor { G = g, S = s, W = w, D = d, GOut = gOut, DH = dH, DC = dC, DGx = dGx, DGh = dGh, DHall = dHall, DR = dR, B1 = g.N };
            if (SplitBatch(g))
                RunSplit(g.N, (b0, b1) => { var v = sweep; (v.B0, v.B1) = (b0, b1); CellSteps.Dispatch(v.G.Cell, ref v); });
            else
                CellSteps.Dispatch(g.Cell, ref sweep);
            if (dh0 != null) dh.CopyTo(dh0.AsSpan(d * g.N * g.Hout));
            if (dc0 != null) dC!.AsSpan(0, g.N * g.H).CopyTo(dc0.AsSpan(d * g.N * g.H));

            // Whole-sequence weight gradients, one GEMM each (bias: Σ_rows dG = onesᵀ·dG).
            var xs = xRows.ReadOnlySpan;
            if (w.WeightIh.RequiresGrad)   // dW_ih += dGxᵀ·X
                WeightGrad(g, dGx, xs, g.In, Engine.GradBuffer(w.WeightIh), ws);
            if (dx != null)                // dX += dGx·W_ih
                Gemm.Sgemm(false, false, g.Rows, g.In, g.GH, 1f, dGx, g.GH, w.WeightIh.ReadOnlySpan, g.In, 1f, dx, g.In);
            if (w.WeightHh.RequiresGrad)   // dW_hh += dGhᵀ·H_prev
                WeightGrad(g, dGh, s.Hprev, g.Hout, Engine.GradBuffer(w.WeightHh), ws);
            // Bias gradients: Σ_rows dG (onesᵀ·dG), one pass per distinct gradient — RNN/LSTM's dGh is dGx, so the two
            // biases share one sum.
            bool bih = w.BiasIh is { RequiresGrad: true }, bhh = w.BiasHh is { RequiresGrad: true };
            var sum = bih || bhh ? ws.Rent(g.GH).AsSpan(0, g.GH) : default;
            if (bih)
            {
                Gemm.Sgemm(false, false, 1, g.GH, g.Rows, 1f, ones, g.Rows, dGx, g.GH, 0f, sum, g.GH);
                var gb = Engine.GradBuffer(w.BiasIh!);
                TensorPrimitives.Add(gb, sum, gb);
            }
            if (bhh)
            {
                if (!bih || !ReferenceEquals(dGh, dGx))
                    Gemm.Sgemm(false, false, 1, g.GH, g.Rows, 1f, ones, g.Rows, dGh, g.GH, 0f, sum, g.GH);
                var gb = Engine.GradBuffer(w.BiasHh!);
                TensorPrimitives.Add(gb, sum, gb);
            }
            if (w.WeightHr is { RequiresGrad: true }) // dW_hr += dHᵀ·R
                Gemm.Sgemm(true, false, g.Hout, g.H, g.Rows, 1f, dHall, g.Hout, s.R, g.H, 1f, Engine.GradBuffer(w.WeightHr), g.H);
        }
        if (dx != null && order.InputBatchMajor)
        {
            var batchMajor = ws.Rent(x.Numel);
            RowOrder.ToBatchMajor(dx, batchMajor, g.T, g.N, g.In);
            dx = batchMajor;
        }
        if (dx != null) x.AccumulateGrad(dx.AsSpan(0, x.Numel));
        if (dh0 != null) h0!.AccumulateGrad(dh0.AsSpan(0, h0.Numel));
        if (dc0 != null) c0!.AccumulateGrad(dc0.AsSpan(0, c0.Numel));
    }

    /// <summary>Widths up to this form a weight gradient as its transpose (see <see cref="WeightGrad"/>).</summary>
    internal static int TransposedGradMaxWidth = 128;

    /// <summary>
    /// dW += dGᵀ·X over all rows.   dG: [rows, GH], X: [rows, width], dW: [GH, width].
    /// For a narrow X (width ≤ 128: the small sizes' inputs and hidden states) the product is formed as Xᵀ·dG into a
    /// [width, GH] scratch and added transposed: the big operand dG is then packed as B (a row copy) instead of as a
    /// transposed A (a scatter): dW_hh at 2048 rows, GH 512, width 128 went 2.0 → 1.8 ms.
    /// </summary>
    private static void WeightGrad(Geometry g, float[] dG, ReadOnlySpan<float> x, int width, Span<float> dW, Workspace ws)
    {
        if (width > TransposedGradMaxWidth || g.GH < width)
        {
            Gemm.Sgemm(true, false, g.GH, width, g.Rows, 1f, dG, g.GH, x, width, 1f, dW, width);
            return;
        }
        var t = ws.Rent(width * g.GH).AsSpan(0, width * g.GH);   // (dGᵀ·X)ᵀ = Xᵀ·dG: [width, GH]
        Gemm.Sgemm(true, false, width, g.GH, g.Rows, 1f, x, width, dG, g.GH, 0f, t, g.GH);
        for (int r = 0; r < g.GH; r++)
        {
            var row = dW.Slice(r * width, width);
            for (int j = 0; j < width; j++) row[j] += t[j * g.GH + r];
        }
    }

    private struct BackwardVisitor : ICellVisitor
    {
        public Geometry G;
        public Sweep S;
        public DirectionWeights W;
        public int D;
        public float[]? GOut, DC, DHall, DR;
        public float[] DH, DGx, DGh;
        public int B0, B1;
        public readonly void Visit<TCell>() where TCell : struct, ICellStep =>
            BackwardSweep<TCell>(G, S, W, D, GOut, DH, DC, DGx, DGh, DHall, DR, B0, B1);
    }

    /// <summary>
    /// Walks one direction's steps in reverse. dH (and dC) hold the gradient w.r.t. the running state:
    /// d h_n on entry, d h0 on exit; rows of finished sequences keep theirs until their last step comes.
    /// </summary>
    private static void BackwardSweep<TCell>(Geometry g, Sweep s, DirectionWeights w, int d, float[]? gOut,
        float[] dH, float[]? dC, float[] dGx, float[] dGh, float[]? dHall, float[]? dR, int b0, int b1) where TCell : struct, ICellStep
    {
        int H = g.H, Hout = g.Hout, GH = g.GH, width = g.D * Hout;
        bool reverse = d == 1;
        var whh = new StepWeight(w.WeightHh, false, GH, Hout);                  // W_hh: [GH, Hout]
        var whr = g.Proj ? new StepWeight(w.WeightHr!, false, Hout, H) : default; // W_hr: [P, H]

        for (int step = g.T - 1; step >= 0; step--)
        {
            int t = reverse ? g.T - 1 - step : step;
            int bs = g.BatchSizes[t], r0 = g.RowStart[t];
            // This sweep's active rows of step t: batch rows lo.., buffer rows rr.. (running gradients: lo..).
            int lo = b0, n = Math.Min(b1, bs) - lo, rr = r0 + lo;
            if (n <= 0) continue;
            var dh = dH.AsSpan(lo * Hout, n * Hout);
            if (gOut != null && width == Hout) // one direction: the step's output rows are one block
                TensorPrimitives.Add(dh, gOut.AsSpan(rr * Hout, n * Hout), dh);
            else if (gOut != null)
                for (int b = 0; b < n; b++)
                {
                    var row = dh.Slice(b * Hout, Hout);
                    TensorPrimitives.Add(row, gOut.AsSpan((rr + b) * width + d * Hout, Hout), row);
                }
            Span<float> dCell = dh;
            if (!whr.IsNull)
            {
                dh.CopyTo(dHall.AsSpan(rr * Hout));
                dCell = dR.AsSpan(lo * H, n * H);
                whr.Multiply(n, dh, Hout, 0f, dCell, H); // d(o·tanh c) = dh·W_hr
            }
            var dg = dGx.AsSpan(rr * GH, n * GH);
            var dgh = TCell.SeparateRecurrent ? dGh.AsSpan(rr * GH, n * GH) : dg;
            CellPass.Backward<TCell>(new StepBackward
            {
                Gates = s.Gx.AsSpan(rr * GH, n * GH),
                HPrev = s.Hprev.AsSpan(rr * Hout, n * Hout),
                C = s.Cs is null ? default : s.Cs.AsSpan(rr * H, n * H),
                CPrev = s.Cprev is null ? default : s.Cprev.AsSpan(rr * H, n * H),
                Ghn = s.Ghn is null ? default : s.Ghn.AsSpan(rr * H, n * H),
                DH = dCell, DC = dC is null ? default : dC.AsSpan(lo * H, n * H), DGates = dg, DGh = dgh,
                Batch = n, Hidden = H,
            });
            // dh_{t−1} = dGh·W_hh, added to the cell's direct part where it has one (GRU: dh·z)
            whh.Multiply(n, dgh, GH, TCell.SeparateRecurrent ? 1f : 0f, dh, Hout);
        }
        whh.Release();
        whr.Release();
    }
}
