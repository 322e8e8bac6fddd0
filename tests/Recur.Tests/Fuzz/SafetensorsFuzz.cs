using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using CsCheck;
using Recur.IO;
using Recur.Tests.IO;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: <see cref="Safetensors.Load(Stream, string, SafetensorsLimits)"/>. Inputs are well-formed files
/// (random tensors of every dtype, metadata, spacing) put through 0–5 mutations (byte flips, hostile tokens such as
/// <c>"\ud800"</c> or 2^64, deletions, truncation, a changed length prefix, duplicated ranges, appended bytes).
/// Property: the file loads and round-trips through <see cref="Safetensors.Save"/> bit for bit, or it raises
/// <see cref="InvalidDataException"/> with a one-line message of at most <see cref="SafetensorsHostileTests.MaxMessage"/>
/// characters; never another exception, a hang, or more allocation than <see cref="AllocationBound"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public class SafetensorsFuzz(ITestOutputHelper output)
{
    /// <summary>The stated bound (docs/RELIABILITY.md): 16 bytes allocated per byte of file, plus 1 MiB.</summary>
    public static long AllocationBound(long fileLength) => 16 * fileLength + (1 << 20);

    private static readonly string[] Names = ["w", "bias", "weight_ih_l0", "a.b", "", "é", "\U0001F600", "__metadata__x", "x\"y", "t\\n", "\u0001"];
    private static readonly string[] Dtypes = ["F32", "F16", "BF16", "F64"];

    private sealed record Tensor(int Name, int Dtype, int[] Dims);
    private sealed record Input(Tensor[] Tensors, (int Key, int Value)[] Metadata, bool Spaced, int Pad, FuzzMutations.Mutation[] Mutations)
    {
        public byte[] Bytes() => FuzzMutations.Apply(Render(this), Mutations);
    }

    private static readonly Gen<Tensor> TensorGen = Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Dtypes.Length - 1],
        Gen.Int[0, 4].Array[0, 4], (n, d, dims) => new Tensor(n, d, dims));
    private static readonly Gen<Input> InputGen = Gen.Select(TensorGen.Array[0, 5], Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Names.Length - 1]).Array[0, 3],
        Gen.Bool, Gen.Int[0, 9], FuzzMutations.Gen1.Array[0, 5], (t, m, s, p, mu) => new Input(t, m, s, p, mu));

    // A file as a foreign writer might lay it out: tensors in the given order, contiguous data, optional spaces and padding.
    private static byte[] Render(Input input)
    {
        string sep = input.Spaced ? ", " : ",", colon = input.Spaced ? ": " : ":";
        var json = new StringBuilder("{");
        var parts = new List<string>();
        if (input.Metadata.Length > 0)
            parts.Add($"\"__metadata__\"{colon}{{" + string.Join(sep, input.Metadata.Select(m => $"{Str(Names[m.Key])}{colon}{Str(Names[m.Value])}")) + "}");
        long offset = 0;
        var data = new List<byte>();
        foreach (var t in input.Tensors)
        {
            string dtype = Dtypes[t.Dtype];
            int size = dtype switch { "F32" => 4, "F64" => 8, _ => 2 };
            long bytes = t.Dims.Aggregate(1L, (a, d) => a * d) * size;
            parts.Add($"{Str(Names[t.Name])}{colon}{{\"dtype\"{colon}\"{dtype}\"{sep}\"shape\"{colon}[{string.Join(sep, t.Dims)}]{sep}\"data_offsets\"{colon}[{offset}{sep}{offset + bytes}]}}");
            for (long i = 0; i < bytes; i++) data.Add((byte)(offset + i * 37));
            offset += bytes;
        }
        json.Append(string.Join(sep, parts)).Append('}').Append(' ', input.Pad);
        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        var file = new byte[8 + header.Length + data.Count];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>A file as <see cref="Safetensors.Save"/> lays it out, built in memory (no temporary file, no fsync).</summary>
    internal static byte[] Bytes(IReadOnlyList<NamedTensorData> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var ordered = tensors.OrderBy(t => t.Name, Comparer<string>.Create(SafetensorsHeader.CompareUtf8)).ToList();
        var layout = new List<(string, int[], long, long)>();
        long offset = 0;
        foreach (var t in ordered)
        {
            layout.Add((t.Name, t.Shape, offset, offset + 4L * t.Data.Length));
            offset += 4L * t.Data.Length;
        }
        byte[] header = SafetensorsHeader.Write(layout, metadata);
        var file = new byte[8 + header.Length + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        int at = 8 + header.Length;
        foreach (var t in ordered)
        {
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Data.AsSpan()).CopyTo(file.AsSpan(at));
            at += 4 * t.Data.Length;
        }
        return file;
    }

    private static string Str(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    /// <summary>The property on one file; returns whether it loaded.</summary>
    internal static bool Check(byte[] bytes, string roundTripDir)
    {
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        SafetensorsFile file;
        try
        {
            file = Safetensors.Load(new MemoryStream(bytes, writable: false), "fuzz.safetensors");
        }
        catch (InvalidDataException e)
        {
            Assert.True(e.Message.Length <= SafetensorsHostileTests.MaxMessage, $"{e.Message.Length}-character message: {e.Message[..Math.Min(200, e.Message.Length)]}");
            Assert.DoesNotContain('\n', e.Message);
            Assert.StartsWith("fuzz.safetensors: not a valid safetensors file: ", e.Message);
            return false;
        }
        finally
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationBound(bytes.Length), $"{allocated} bytes allocated for a {bytes.Length}-byte file");
            Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
        }
        // Loaded: saving it and loading again gives the same tensors (F16/BF16/F64 widened to F32) and metadata.
        string path = Path.Combine(roundTripDir, "rt.safetensors");
        Safetensors.Save(path, file.Tensors, file.Metadata);
        var again = Safetensors.Load(path);
        Assert.Equal(file.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal), again.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(file.Tensors.Count, again.Tensors.Count);
        foreach (var t in file.Tensors)
        {
            var u = again[t.Name];
            Assert.Equal(t.Shape, u.Shape);
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), u.Data.Select(BitConverter.SingleToInt32Bits));
        }
        return true;
    }

    [Fact]
    public void EveryInputLoadsAndRoundTripsOrIsInvalidData()
    {
        using var dir = new Data.TempDirectory();
        long loaded = 0, total = 0;
        FuzzBudget.Run(InputGen, input =>
        {
            total++;
            if (Check(input.Bytes(), dir.Path)) loaded++;
        }, output.WriteLine, input => FuzzBudget.Show(input.Bytes()));
        output.WriteLine($"{loaded} of {total} inputs loaded (the rest were InvalidDataException)");
        Assert.True(loaded > 0 && loaded < total, "the generator reaches both outcomes");
    }
}
