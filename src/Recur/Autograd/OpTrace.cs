namespace Recur.Autograd;

/// <summary>
/// Receives the operations a <c>Forward</c> performs while <see cref="OpTrace.Current"/> is set. Exists so
/// Recur.Onnx can export a user's own module by running its Forward once and recording what it computed
/// (PyTorch's <c>torch.jit.trace</c>); autograd nodes alone don't carry the arguments (a view's shape, a
/// permutation, a slice) that an exporter needs.
/// </summary>
internal interface IOpTracer
{
    /// <summary>One operation at the API level: inputs are <see cref="Tensor"/>, <see cref="IndexTensor"/> or a module.</summary>
    void Op(string op, object[] inputs, object[] outputs, object[] attributes);

    /// <summary>An operation that records autograd but has no trace hook: the exporter can't express it.</summary>
    void Untraced(string autogradName, Tensor output);
}

/// <summary>
/// The trace hook: off (one thread-static null check per operation) unless an exporter installs a tracer.
/// Only the outermost operation is recorded (<c>Transpose</c>, not the <c>Permute</c> and <c>View</c> it calls).
/// </summary>
internal static class OpTrace
{
    [ThreadStatic] private static IOpTracer? _current;
    [ThreadStatic] private static int _depth;

    /// <summary>The tracer of this thread, or null (the normal case).</summary>
    internal static IOpTracer? Current => _current;

    /// <summary>Installs <paramref name="tracer"/> on this thread until the returned value is disposed.</summary>
    internal static Installed Install(IOpTracer tracer)
    {
        if (_current != null) throw new InvalidOperationException("a trace is already running on this thread");
        _current = tracer;
        _depth = 0;
        return new Installed();
    }

    /// <summary>Marks the start of a traced operation; dispose it when the operation returns.</summary>
    internal static Scope Enter()
    {
        if (_current is null) return default;
        _depth++;
        return new Scope(true);
    }

    /// <summary>Reports an autograd record made outside every traced operation.</summary>
    internal static void NoteUntraced(string autogradName, Tensor output)
    {
        if (_current != null && _depth == 0) _current.Untraced(autogradName, output);
    }

    internal readonly struct Installed : IDisposable
    {
        public void Dispose()
        {
            _current = null;
            _depth = 0;
        }
    }

    internal readonly struct Scope : IDisposable
    {
        private readonly bool _active;

        internal Scope(bool active) => _active = active;

        /// <summary>Reports the operation if it is the outermost one, and returns <paramref name="result"/>.</summary>
        public T Done<T>(string op, T result, object[] inputs, params object[] attributes) where T : class
        {
            if (_active && _depth == 1) _current?.Op(op, inputs, new object[] { result }, attributes);
            return result;
        }

        /// <summary>Reports an operation with several outputs.</summary>
        public void DoneMany(string op, object[] inputs, object[] outputs, params object[] attributes)
        {
            if (_active && _depth == 1) _current?.Op(op, inputs, outputs, attributes);
        }

        public void Dispose()
        {
            if (_active && _current != null) _depth--;
        }
    }
}
