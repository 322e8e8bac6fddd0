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

    private static readonly byte[][] Tokens = new[]
    {
        "\"\\ud800\"", "\"\\udc00x\"", "\\ud83d\\ude00", "\\u0000", "-1", "-0", "1e3", "2.5", "18446744073709551616", "18446744073709551615",
        "9223372036854775807", "4294967296", "2147483648", "[", "]", "{", "}", ",", ":", "\"", "\\", "null", "true", "\"__metadata__\"",
        "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F16\"", "\"I64\"", "\"BOOL\"", " ", "\n", "\t", "[0,0]", "[0]", "[]", "{}",
        new string('a', 300), new string('[', 70), "{\"a\":", "\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},",
    }.Select(Encoding.UTF8.GetBytes).Concat(new byte[][] { [0], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80] }).ToArray();

    private static readonly byte[] Special = "{}[]\":,\\ 0-e.\n"u8.ToArray();

    private static readonly ulong[] Lengths = [0, 1, 2, 7, 8, 0x7fffffff, 0x80000000, 100_000_001, ulong.MaxValue, long.MaxValue];

    private sealed record Tensor(int Name, int Dtype, int[] Dims);
    private sealed record Mutation(int Kind, int At, int Value, int Length);
    private sealed record Input(Tensor[] Tensors, (int Key, int Value)[] Metadata, bool Spaced, int Pad, Mutation[] Mutations)
    {
        public byte[] Bytes() => Mutate(Render(this), Mutations);
    }

    private static readonly Gen<Tensor> TensorGen = Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Dtypes.Length - 1],
        Gen.Int[0, 4].Array[0, 4], (n, d, dims) => new Tensor(n, d, dims));
    private static readonly Gen<Mutation> MutationGen = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[1, 16],
        (k, a, v, l) => new Mutation(k, a, v, l));
    private static readonly Gen<Input> InputGen = Gen.Select(TensorGen.Array[0, 5], Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, Names.Length - 1]).Array[0, 3],
        Gen.Bool, Gen.Int[0, 9], MutationGen.Array[0, 5], (t, m, s, p, mu) => new Input(t, m, s, p, mu));

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

    private static string Str(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static byte[] Mutate(byte[] file, Mutation[] mutations)
    {
        var bytes = new List<byte>(file);
        foreach (var m in mutations)
        {
            int at = bytes.Count == 0 ? 0 : m.At % (bytes.Count + 1);
            int inside = Math.Min(at, Math.Max(bytes.Count - 1, 0));
            switch (m.Kind)
            {
                case 0 when bytes.Count > 0: bytes[inside] ^= (byte)Math.Max(m.Value, 1); break;
                case 1 when bytes.Count > 0: bytes[inside] = Special[m.Value % Special.Length]; break;
                case 2: bytes.InsertRange(at, Tokens[m.Value % Tokens.Length]); break;
                case 3: bytes.RemoveRange(at, Math.Min(m.Length, bytes.Count - at)); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                case 5 when bytes.Count >= 8:
                    ulong length = m.Value % 2 == 0 ? Lengths[m.Value / 2 % Lengths.Length]
                        : (ulong)Math.Max(0L, (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.Take(8).ToArray()) + (m.Length - 8));
                    var prefix = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(prefix, length);
                    for (int i = 0; i < 8; i++) bytes[i] = prefix[i];
                    break;
                case 6: bytes.InsertRange(at, bytes.Skip(inside).Take(m.Length * 4).ToArray()); break;
                case 7: bytes.AddRange(Enumerable.Repeat((byte)m.Value, m.Length)); break;
                case 8 when bytes.Count > 8: // a hostile token in the header, where it matters most
                    int headerEnd = (int)Math.Min((ulong)bytes.Count, 8 + Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes.Take(8).ToArray()), (ulong)bytes.Count));
                    bytes.InsertRange(8 + m.At % Math.Max(headerEnd - 8, 1), Tokens[m.Value % Tokens.Length]);
                    break;
            }
        }
        return bytes.ToArray();
    }

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
