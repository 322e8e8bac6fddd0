namespace Recur.IO;

/// <summary>
/// What <see cref="Safetensors.Load(string, SafetensorsLimits)"/> accepts before it judges a file hostile.
/// The defaults fit any model Recur writes with room to spare (a model's header is a few kB); raise them for
/// files from elsewhere with very many tensors. docs/RELIABILITY.md lists them.
/// </summary>
public sealed record SafetensorsLimits
{
    /// <summary>The limits <see cref="Safetensors.Load(string)"/> applies.</summary>
    public static SafetensorsLimits Default { get; } = new();

    /// <summary>Largest JSON header, in bytes: 8 MiB by default, at most <see cref="Safetensors.MaxHeaderLength"/> (the reference's 100 MB).</summary>
    public int MaxHeaderBytes { get; init => field = Check(value, Safetensors.MaxHeaderLength, nameof(MaxHeaderBytes)); } = 8 << 20;

    /// <summary>Most tensors in one file: 100 000 by default.</summary>
    public int MaxTensors { get; init => field = Check(value, int.MaxValue, nameof(MaxTensors)); } = 100_000;

    /// <summary>Most dimensions of one tensor: 32 by default.</summary>
    public int MaxRank { get; init => field = Check(value, 1024, nameof(MaxRank)); } = 32;

    private static int Check(int value, int max, string name) =>
        value >= 1 && value <= max ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [1, {max}]");
}
