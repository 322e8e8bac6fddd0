using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Byte-level mutations shared by the file fuzz targets: flips, JSON punctuation, hostile tokens (lone surrogate
/// escapes, 2^64, deep nesting, invalid UTF-8), deletions, truncation, a changed 8-byte length prefix, duplicated
/// ranges and appended bytes. Each is a small record so CsCheck can shrink a failing input to few, small mutations.
/// </summary>
internal static class FuzzMutations
{
    public sealed record Mutation(int Kind, int At, int Value, int Length);

    public static readonly Gen<Mutation> Gen1 = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[1, 16],
        (k, a, v, l) => new Mutation(k, a, v, l));

    public static readonly byte[][] Tokens = new[]
    {
        "\"\\ud800\"", "\"\\udc00x\"", "\\ud83d\\ude00", "\\ud800", "\\u0000", "-1", "-0", "1e3", "2.5", "NaN", "Infinity", "18446744073709551616",
        "18446744073709551615", "9223372036854775807", "4294967296", "2147483648", "[", "]", "{", "}", ",", ":", "\"", "\\", "null", "true",
        "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F16\"", "\"I64\"", "\"BOOL\"", " ", "\n", "\t", "[0,0]", "[0]", "[]",
        "{}", new string('a', 300), new string('[', 70), "{\"a\":", "\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},",
        "\\\"", "\\\\u", "optimizer.state.0.step", "recur.", "param_groups", "\"lr\":", "1e308", "-1e308", "\"params\":[0,0]",
    }.Select(Encoding.UTF8.GetBytes).Concat(new byte[][] { [0], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80] }).ToArray();

    private static readonly byte[] Special = "{}[]\":,\\ 0-e.\n"u8.ToArray();

    private static readonly ulong[] Lengths = [0, 1, 2, 7, 8, 0x7fffffff, 0x80000000, 100_000_001, ulong.MaxValue, long.MaxValue];

    /// <summary>Applies <paramref name="mutations"/> in order; kind 8 aims a token into the header the prefix declares.</summary>
    public static byte[] Apply(byte[] file, IEnumerable<Mutation> mutations)
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
                        : (ulong)Math.Max(0L, (long)Prefix(bytes) + (m.Length - 8));
                    var prefix = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(prefix, length);
                    for (int i = 0; i < 8; i++) bytes[i] = prefix[i];
                    break;
                case 6: bytes.InsertRange(at, bytes.Skip(inside).Take(m.Length * 4).ToArray()); break;
                case 7: bytes.AddRange(Enumerable.Repeat((byte)m.Value, m.Length)); break;
                case 8 when bytes.Count > 8: // a hostile token inside the header, where it matters most
                    int headerEnd = (int)Math.Min((ulong)bytes.Count, 8 + Math.Min(Prefix(bytes), (ulong)bytes.Count));
                    bytes.InsertRange(8 + m.At % Math.Max(headerEnd - 8, 1), Tokens[m.Value % Tokens.Length]);
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static ulong Prefix(List<byte> bytes) =>
        BinaryPrimitives.ReadUInt64LittleEndian([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]]);
}
