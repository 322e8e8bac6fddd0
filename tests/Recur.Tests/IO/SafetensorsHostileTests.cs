using System.Buffers.Binary;
using System.Text;
using Recur.IO;
using Recur.Tests.Fuzz;

namespace Recur.Tests.IO;

/// <summary>
/// Regression tests for issue 14's safetensors defects, each with the smallest input that showed it, and the
/// limits of docs/RELIABILITY.md. Files are read from memory: the parser is the same as for a path.
/// </summary>
public class SafetensorsHostileTests
{
    /// <summary>Most characters a load error message may have (docs/RELIABILITY.md).</summary>
    public const int MaxMessage = 600;

    internal static byte[] Build(string json, int dataBytes)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static SafetensorsFile Load(byte[] bytes, SafetensorsLimits? limits = null) =>
        Safetensors.Load(new MemoryStream(bytes), "t.safetensors", limits);

    private static string Refused(byte[] bytes, string expected, SafetensorsLimits? limits = null)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(bytes, limits));
        Assert.StartsWith("t.safetensors: not a valid safetensors file: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.True(ex.Message.Length <= MaxMessage, $"{ex.Message.Length}-character message");
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    private const string W = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""";

    // 2 170 of 259 972 fuzzed files threw InvalidOperationException: a \u escape decoding to a lone surrogate.
    [Theory]
    [InlineData("""{"\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "a tensor name")]
    [InlineData("""{"w":{"dtype":"\ud800","shape":[1],"data_offsets":[0,4]}}""", "the dtype of tensor 'w'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":"\udc00"}}""", "a value of tensor 'w'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"\udc00":1}}""", "a key of tensor 'w'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":[{"y":"a\ud800b"}]}}""", "a value of tensor 'w'")]
    [InlineData("""{"__metadata__":{"k":"\ud800"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "metadata 'k'")]
    [InlineData("""{"__metadata__":{"\ude00":"v"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "a metadata key")]
    public void LoneSurrogateEscapeIsInvalidData(string json, string where) =>
        Refused(Build(json, 4), $"{where} at byte ");

    [Fact]
    public void SurrogatePairEscapeIsAName()
    {
        var file = Load(Build("""{"\ud83d\ude00":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4));
        Assert.Equal("\U0001F600", file.Tensors[0].Name);
    }

    // The reference rejects any slack in the data buffer; Recur accepted it.
    [Fact]
    public void GapBetweenTensorsIsRefused() =>
        Refused(Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12),
            "tensor 'b' at [8, 12) leaves a gap of 4 bytes after tensor 'a'");

    [Fact]
    public void DataNotStartingAtZeroIsRefused() =>
        Refused(Build("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8),
            "tensor 'w' at [4, 8) leaves a gap of 4 bytes after the start of the data buffer");

    [Fact]
    public void BytesAfterTheLastTensorAreRefused() =>
        Refused(Build(W, 5), "the data buffer has 5 bytes but the tensors cover 4: 1 bytes follow the last one");

    [Fact]
    public void NoTensorsButDataIsRefused() =>
        Refused(Build("{}", 1), "the data buffer has 1 bytes but the tensors cover 0");

    // Decision (docs/RELIABILITY.md): the format says the header begins with '{'; leading whitespace is refused,
    // trailing JSON whitespace (the padding writers add) is accepted.
    [Theory]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData("\t")]
    [InlineData("\uFEFF")]
    public void LeadingWhitespaceIsRefused(string lead) =>
        Refused(Build(lead + W, 4), "the header does not begin with '{'");

    [Theory]
    [InlineData("    ")]
    [InlineData(" \n\r\t")]
    public void TrailingWhitespacePaddingIsAccepted(string pad) =>
        Assert.Equal([1], Load(Build(W + pad, 4)).Tensors[0].Shape);

    [Theory]
    [InlineData("\0", "not valid JSON")]
    [InlineData("x", "not valid JSON")]
    [InlineData("{}", "not valid JSON")]
    public void ContentAfterTheObjectIsRefused(string tail, string expected) =>
        Refused(Build(W + tail, 4), expected);

    [Fact]
    public void EmptyHeaderIsRefused() => Refused(Build("", 0), "does not begin with '{'");

    // Error messages quoted values whole: a 5 000-character dtype, name or offset made a 5 kB message.
    [Fact]
    public void LongDtypeIsQuotedBounded()
    {
        string m = Refused(Build(W.Replace("F32", new string('D', 5000)), 4), "(5000 chars)");
        Assert.Contains("has dtype 'DDDD", m);
    }

    [Fact]
    public void LongNameIsQuotedBounded() =>
        Refused(Build(W.Replace("\"w\"", "\"" + new string('n', 5000) + "\"").Replace("F32", "Q"), 4), "(5000 chars)");

    [Fact]
    public void LongNumberIsQuotedBounded() =>
        Refused(Build(W.Replace("[0,4]", "[0," + new string('9', 5000) + "]"), 4), "not a non-negative integer");

    [Fact]
    public void LongNegativeShapeIsQuotedBounded() =>
        Refused(Build(W.Replace("[1]", "[-" + new string('9', 5000) + "]"), 4), "not a non-negative integer");

    [Fact]
    public void ControlCharactersInANameStayOnOneLine()
    {
        string m = Refused(Build(W.Replace("\"w\"", "\"a\\nb\"").Replace("F32", "Q"), 4), "tensor 'a\\u000ab'");
        Assert.DoesNotContain('\n', m);
    }

    [Fact]
    public void MissingTensorListingIsBounded()
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < 1000; i++)
            json.Append(i > 0 ? "," : "").Append($"\"{new string('t', 100)}{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        var file = Load(Build(json.Append('}').ToString(), 0));
        var ex = Assert.Throws<KeyNotFoundException>(() => file[new string('x', 5000)]);
        Assert.True(ex.Message.Length < 2000, $"{ex.Message.Length}-character message");
        Assert.Contains("(1000 tensors)", ex.Message);
    }

    // ---- limits ----------------------------------------------------------------------------------------

    [Fact]
    public void RankOverTheLimitIsRefusedWhileReading()
    {
        string dims = string.Join(",", Enumerable.Repeat(1, 33));
        Refused(Build(W.Replace("[1]", $"[{dims}]"), 4), "tensor 'w' has more than 32 dimensions (SafetensorsLimits.MaxRank)");
        Assert.Equal(33, Load(Build(W.Replace("[1]", $"[{dims}]"), 4), new SafetensorsLimits { MaxRank = 40 }).Tensors[0].Shape.Length);
    }

    [Fact]
    public void TensorCountOverTheLimitIsRefused()
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < 11; i++)
            json.Append(i > 0 ? "," : "").Append($"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        byte[] bytes = Build(json.Append('}').ToString(), 0);
        Refused(bytes, "more than 10 tensors (SafetensorsLimits.MaxTensors)", new SafetensorsLimits { MaxTensors = 10 });
        Assert.Equal(11, Load(bytes).Tensors.Count);
    }

    [Fact]
    public void HeaderOverACustomCapIsRefused() =>
        Refused(Build(W, 4), $"header length {W.Length} exceeds the {W.Length - 1}-byte limit", new SafetensorsLimits { MaxHeaderBytes = W.Length - 1 });

    [Fact]
    public void LimitsOutsideTheirRangeAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafetensorsLimits { MaxHeaderBytes = Safetensors.MaxHeaderLength + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafetensorsLimits { MaxTensors = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafetensorsLimits { MaxRank = -1 });
    }

    [Fact]
    public void ElementCountOverAnArrayIsRefused() =>
        Refused(Build(W.Replace("[1]", "[2147483647,2]"), 4), "too many elements");

    [Fact]
    public void NestingDeeperThanTheReaderAllowsIsInvalidData() =>
        Refused(Build("{\"w\":{\"x\":" + new string('[', 100) + new string(']', 100) + "}}", 0), "not valid JSON");

    // A 99 MB header of valid JSON took 10.6 s and 2.19 GiB. Now the work is one pass over the bytes: a header
    // of 100 000 tensors (the default limit, ~5.6 MB) loads with allocation linear in the file.
    [Fact]
    public void LargeValidHeaderIsReadWithBoundedAllocation()
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++)
            json.Append(i > 0 ? "," : "").Append($"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        byte[] bytes = Build(json.Append('}').ToString(), 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var file = Load(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100_000, file.Tensors.Count);
        Assert.True(allocated <= SafetensorsFuzz.AllocationBound(bytes.Length), $"{allocated} bytes for a {bytes.Length}-byte file");
    }

    [Fact]
    public void DtypesAreReadInChunksWithoutACopyOfTheData()
    {
        // 100 000 F16 values (200 kB): the floats (400 kB) plus one 64 kB chunk, not another copy of the bytes.
        var bytes = Build("""{"h":{"dtype":"F16","shape":[100000],"data_offsets":[0,200000]}}""", 200_000);
        for (int i = 0; i < 100_000; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(bytes.Length - 200_000 + 2 * i), (Half)(i % 100));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var file = Load(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(99f, file["h"].Data[99_999]);
        Assert.True(allocated < 400_000 + 100_000, $"{allocated} bytes");
    }
}
