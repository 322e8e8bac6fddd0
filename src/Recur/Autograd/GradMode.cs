namespace Recur.Autograd;

/// <summary>
/// Whether operations are recorded for backward (per thread). <c>using (GradMode.NoGrad()) { … }</c>
/// is PyTorch's <c>with torch.no_grad():</c>.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    public static bool IsEnabled => !_disabled;

    /// <summary>Disables recording until the returned scope is disposed (scopes nest).</summary>
    public static Scope NoGrad() => new(enabled: false);

    /// <summary>Re-enables recording inside a no-grad region.</summary>
    public static Scope EnableGrad() => new(enabled: true);

    public readonly struct Scope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal Scope(bool enabled)
        {
            _previousDisabled = _disabled;
            _disabled = !enabled;
        }

        public void Dispose() => _disabled = _previousDisabled;
    }
}
