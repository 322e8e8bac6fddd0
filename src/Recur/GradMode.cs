namespace Recur;

/// <summary>
/// Whether operations are recorded for backward (per thread). <c>using (GradMode.NoGrad()) { … }</c>
/// is PyTorch's <c>with torch.no_grad():</c>.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    /// <summary>True while operations on tensors that require grad are recorded (PyTorch's <c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsEnabled => !_disabled;

    /// <summary>Disables recording until the returned scope is disposed (scopes nest).</summary>
    public static Scope NoGrad() => new(enabled: false);

    /// <summary>Re-enables recording inside a no-grad region.</summary>
    public static Scope EnableGrad() => new(enabled: true);

    /// <summary>A grad-mode region; disposing it restores the mode that was in force before it began.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal Scope(bool enabled)
        {
            _previousDisabled = _disabled;
            _disabled = !enabled;
        }

        /// <summary>Restores the previous grad mode.</summary>
        public void Dispose() => _disabled = _previousDisabled;
    }
}
