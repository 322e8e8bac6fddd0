using System.Buffers.Binary;
using System.Text;
using Recur.IO;
using Recur.Tests.Data;

namespace Recur.Tests.IO;

public class SafetensorsTests
{
    /// <summary>A file laid out by hand from the spec: header length, JSON header, data buffer.</summary>
    private static byte[] Build(string json, byte[] data, ulong? headerLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    private static void AssertSame(NamedTensorData expected, NamedTensorData actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Data, actual.Data);
    }

    [Fact]
    public void RoundTripKeepsTensorsAndMetadata()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        NamedTensorData[] tensors =
        [
            new("lstm.weight_ih_l0", [8, 3], [.. Enumerable.Range(0, 24).Select(i => i * 0.25f - 3)]),
            new("bias", [8], [1f, -1f, float.MaxValue, float.Epsilon, -0f, 1e-30f, 3.5f, float.NegativeInfinity]),
            new("scalar", [], [42f]),
            new("empty", [0], []),
            new("empty2d", [3, 0], []),
        ];
        var metadata = new Dictionary<string, string> { ["format"] = "recur", ["note"] = "quote \" slash \\ tab \t π" };
        Safetensors.Save(path, tensors, metadata);

        var file = Safetensors.Load(path);
        Assert.Equal(["bias", "empty", "empty2d", "lstm.weight_ih_l0", "scalar"], file.Tensors.Select(t => t.Name));
        foreach (var t in tensors)
            AssertSame(t, file[t.Name]);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(["model.safetensors"], dir.Files()); // no temporary file left behind
    }

    [Fact]
    public void BytesMatchTheReferenceWriterLayout()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "tiny.safetensors");
        Safetensors.Save(path, [new("b", [], [0.5f]), new("a", [2], [1f, -2f])],
            new Dictionary<string, string> { ["format"] = "pt" });

        // 138 bytes of compact JSON, tensors by name, padded with 6 spaces to 144 = 0x90.
        string json = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}""" + "      ";
        byte[] expected =
        [
            0x90, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(json),
            0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, // a = [1, -2]
            0x00, 0x00, 0x00, 0x3f, // b = 0.5
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void NoMetadataMeansNoMetadataKey()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        Safetensors.Save(path, [new("x", [1], [1f])], null);
        string header = Encoding.UTF8.GetString(File.ReadAllBytes(path), 8, 56);
        Assert.Equal("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}  """, header);
        Assert.Empty(Safetensors.Load(path).Metadata);
    }

    [Fact]
    public void ReadsOtherWritersDtypesAndSpacing()
    {
        // Spaced JSON (as Python's json.dumps writes it), no padding, F64 first, a gap-free buffer.
        string json = """{"d": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}, "h": {"dtype": "F16", "shape": [2], "data_offsets": [8, 12]}, "bf": {"dtype": "BF16", "shape": [1, 1], "data_offsets": [12, 14]}, "__metadata__": {"format": "np"}}""";
        byte[] data =
        [
            0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // F64 1.5
            0x00, 0x3c, 0x00, 0xc1, // F16 1.0, -2.5
            0x80, 0x3f, // BF16 1.0
        ];
        using var dir = new TempDirectory();
        var file = Safetensors.Load(dir.WriteBytes("np.safetensors", Build(json, data)));
        Assert.Equal(["d", "h", "bf"], file.Tensors.Select(t => t.Name)); // in data order
        Assert.Equal([1.5f], file["d"].Data);
        Assert.Equal([1f, -2.5f], file["h"].Data);
        Assert.Equal([1, 1], file["bf"].Shape);
        Assert.Equal([1f], file["bf"].Data);
        Assert.Equal("np", file.Metadata["format"]);
        Assert.Throws<KeyNotFoundException>(() => file["nope"]);
    }

    private static byte[] Patched(byte[] bytes, int at, byte value)
    {
        bytes[at] = value;
        return bytes;
    }

    private const string OneTensor = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
    private static readonly byte[] EightBytes = new byte[8];

    public static TheoryData<string, byte[], string> CorruptFiles => new()
    {
        { "too short", [1, 2, 3], "shorter than the 8-byte header length" },
        { "header length huge", Build(OneTensor, EightBytes, ulong.MaxValue), "header length 18446744073709551615 runs past the end" },
        { "header length past end", Build(OneTensor, EightBytes, 1000), "header length 1000 runs past the end of the file" },
        { "bad JSON", Build("""{"w":{"dtype":"F32",""", EightBytes), "not valid JSON" },
        { "bad UTF-8", Patched(Build("""{"w":1}""", EightBytes), at: 10, 0xff), "not valid UTF-8" },
        { "not an object", Build("[1,2]", EightBytes), "the header does not begin with '{'" },
        { "unknown dtype", Build(OneTensor.Replace("F32", "Q7"), EightBytes), "tensor 'w' has dtype 'Q7'; supported: F32, F16, BF16, F64" },
        { "unsupported dtype", Build(OneTensor.Replace("F32", "I64").Replace("[2]", "[1]"), EightBytes), "dtype 'I64'" },
        { "negative dim", Build(OneTensor.Replace("[2]", "[-2]"), EightBytes), "'shape' -2, not a non-negative integer" },
        { "fractional dim", Build(OneTensor.Replace("[2]", "[2.5]"), EightBytes), "'shape' 2.5, not a non-negative integer" },
        { "offsets out of range", Build(OneTensor.Replace("[0,8]", "[8,16]"), EightBytes), "data_offsets [8, 16] outside the data buffer of 8 bytes" },
        { "offsets reversed", Build(OneTensor.Replace("[0,8]", "[8,0]"), EightBytes), "data_offsets [8, 0] outside" },
        { "one offset", Build(OneTensor.Replace("[0,8]", "[0]"), EightBytes), "has 1 'data_offsets', expected 2" },
        { "no shape", Build("""{"w":{"dtype":"F32","data_offsets":[0,8]}}""", EightBytes), "tensor 'w' has no array 'shape'" },
        { "shape/offset mismatch", Build(OneTensor.Replace("[2]", "[3]"), EightBytes), "shape [3] of F32: 12 bytes, but data_offsets span 8" },
        { "shape overflow", Build(OneTensor.Replace("[2]", "[2147483647,2147483647,2147483647]"), EightBytes), "too many elements" },
        { "overlap", Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", EightBytes), "tensor 'b' at [4, 8) overlaps tensor 'a', which ends at 8" },
        { "duplicate name", Build("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", EightBytes), "names 'w' twice" },
        { "metadata not strings", Build("""{"__metadata__":{"epoch":3}}""", []), "metadata 'epoch' is a JSON Number, not a string" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void CorruptFileIsInvalidData(string what, byte[] bytes, string expected)
    {
        _ = what; // names the case in the test listing
        using var dir = new TempDirectory();
        string path = dir.WriteBytes("bad.safetensors", bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.StartsWith($"{path}: not a valid safetensors file: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void HeaderOverTheCapIsRefusedBeforeItIsRead()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "big.safetensors");
        using (var stream = File.Create(path))
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, Safetensors.MaxHeaderLength + 1UL);
            stream.Write(prefix);
            stream.SetLength(8 + Safetensors.MaxHeaderLength + 1L); // sparse where the file system allows
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 10, "judged before the header is read");
        Assert.Contains($"header length 100000001 exceeds the {8 << 20}-byte limit (SafetensorsLimits.MaxHeaderBytes)", ex.Message);
        // Even raised to the reference's cap, one byte more is refused.
        ex = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path, new SafetensorsLimits { MaxHeaderBytes = Safetensors.MaxHeaderLength }));
        Assert.Contains("header length 100000001 exceeds the 100000000-byte limit", ex.Message);
    }

    [Fact]
    public void MissingFileIsNotFound()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "none.safetensors");
        Assert.Equal(path, Assert.Throws<FileNotFoundException>(() => Safetensors.Load(path)).FileName);
    }

    public static TheoryData<NamedTensorData[], string> BadInputs => new()
    {
        { [new("w", [2, 2], [1f, 2f, 3f])], "has shape [2, 2] (4 elements) but 3 values" },
        { [new("w", [-1], [])], "negative dimension" },
        { [new("w", [1], [1f]), new("w", [1], [2f])], "used twice" },
        { [new("__metadata__", [1], [1f])], "reserved" },
        { [new("w", [65536, 65536, 65536], [])], "but 0 values" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void FailedSaveLeavesThePreviousFileIntact(NamedTensorData[] tensors, string expected)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        Safetensors.Save(path, [new("w", [1], [7f])], new Dictionary<string, string> { ["v"] = "1" });
        byte[] before = File.ReadAllBytes(path);

        var ex = Assert.Throws<ArgumentException>(() => Safetensors.Save(path, tensors, null));
        Assert.Contains(expected, ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Files());
    }

    [Fact]
    public void FailureAfterTheTemporaryFileExistsRemovesIt()
    {
        using var dir = new TempDirectory();
        string target = Path.Combine(dir.Path, "model.safetensors");
        Directory.CreateDirectory(target); // the final rename cannot replace a directory
        Assert.ThrowsAny<IOException>(() => Safetensors.Save(target, [new("w", [1], [1f])], null));
        Assert.Empty(dir.Files());
        Assert.True(Directory.Exists(target));
    }

    [Fact]
    public void SaveReplacesAnExistingFile()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        Safetensors.Save(path, [new("w", [1], [1f])], null);
        Safetensors.Save(path, [new("w", [2], [2f, 3f])], null);
        Assert.Equal([2f, 3f], Safetensors.Load(path)["w"].Data);
        Assert.Equal(["model.safetensors"], dir.Files());
    }
}
