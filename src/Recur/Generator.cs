using System.Buffers.Binary;

namespace Recur;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through splitmix64) so that the same seed
/// gives the same numbers on every machine and .NET version. <see cref="Default"/> plays the role of
/// PyTorch's global generator (<c>torch.manual_seed</c> ≙ <see cref="ManualSeed"/>).
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>A generator seeded with <paramref name="seed"/>.</summary>
    public Generator(long seed) => Seed(seed);

    /// <summary>The generator used when none is passed (module initialisation, dropout, randn).</summary>
    public static Generator Default { get; } = new(0);

    /// <summary>Reseeds <see cref="Default"/>.</summary>
    public static void ManualSeed(long seed) => Default.Seed(seed);

    /// <summary>Restarts the sequence from <paramref name="seed"/> (and drops a cached normal).</summary>
    public void Seed(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
        _spareNormal = null;
    }

    /// <summary>Length in bytes of <see cref="GetState"/>'s result.</summary>
    public const int StateLength = 42;

    /// <summary>
    /// The full state, as PyTorch's <c>get_state()</c>: the four xoshiro256** words and the cached second
    /// Box–Muller normal (a flag byte and the double), little-endian, after a version byte. Restoring it with
    /// <see cref="SetState"/> makes every later draw identical.
    /// </summary>
    public byte[] GetState()
    {
        var state = new byte[StateLength];
        state[0] = StateVersion;
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(1), _s0);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(9), _s1);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(17), _s2);
        BinaryPrimitives.WriteUInt64LittleEndian(state.AsSpan(25), _s3);
        state[33] = _spareNormal.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteDoubleLittleEndian(state.AsSpan(34), _spareNormal ?? 0);
        return state;
    }

    /// <summary>Restores a state from <see cref="GetState"/> (PyTorch's <c>set_state</c>). Nothing changes unless it is valid.</summary>
    /// <exception cref="ArgumentException">Wrong length or version, an all-zero xoshiro state (which never leaves zero), or a bad cached-normal flag.</exception>
    public void SetState(ReadOnlySpan<byte> state)
    {
        if (state.Length != StateLength)
            throw new ArgumentException($"generator state must be {StateLength} bytes, got {state.Length}", nameof(state));
        if (state[0] != StateVersion)
            throw new ArgumentException($"generator state has version {state[0]}, expected {StateVersion}", nameof(state));
        ulong s0 = BinaryPrimitives.ReadUInt64LittleEndian(state[1..]), s1 = BinaryPrimitives.ReadUInt64LittleEndian(state[9..]);
        ulong s2 = BinaryPrimitives.ReadUInt64LittleEndian(state[17..]), s3 = BinaryPrimitives.ReadUInt64LittleEndian(state[25..]);
        if ((s0 | s1 | s2 | s3) == 0)
            throw new ArgumentException("generator state is all zero, which xoshiro256** never leaves", nameof(state));
        if (state[33] > 1)
            throw new ArgumentException($"generator state has cached-normal flag {state[33]}, expected 0 or 1", nameof(state));
        double spare = BinaryPrimitives.ReadDoubleLittleEndian(state[34..]);
        if (state[33] == 1 && !double.IsFinite(spare))
            throw new ArgumentException("generator state has a non-finite cached normal", nameof(state));
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
        _spareNormal = state[33] == 1 ? spare : null;
    }

    private const byte StateVersion = 1;

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 raw random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"upper bound must be positive, got {n}");
        return (int)((NextUInt64() >> 33) * (ulong)n >> 31);
    }

    /// <summary>Standard normal (Box–Muller, the second value kept for the next call).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double spare) { _spareNormal = null; return spare; }
        double u1, u2;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="dst"/> with normal samples of the given mean and standard deviation.</summary>
    public void FillNormal(Span<float> dst, float mean = 0f, float std = 1f)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)(mean + std * NextNormal());
    }

    /// <summary>Fills <paramref name="dst"/> with uniform samples in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public void FillUniform(Span<float> dst, float low, float high)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)(low + (high - low) * NextDouble());
    }

    /// <summary>A random permutation of 0..n−1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
