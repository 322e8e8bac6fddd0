using Recur.IO;

namespace Recur.PersistCheck;

/// <summary>
/// Saves one file over and over, each version k a complete safetensors file whose every value is k and whose
/// metadata says "version": k, so that a reader can tell a whole file from a torn one. Killed from outside.
/// </summary>
public static class SaveLoop
{
    /// <summary>Values per version: 4 MB, so that a kill often lands inside a write.</summary>
    public const int Values = 1 << 20;

    /// <summary>Writes versions start, start+1, … to <paramref name="path"/> until killed (or <paramref name="count"/> saves).</summary>
    public static void Run(string path, int start, int count)
    {
        for (int k = start; k < start + count; k++)
        {
            var data = new float[Values];
            Array.Fill(data, k);
            Safetensors.Save(path, new[] { new NamedTensorData("w", new[] { Values / 1024, 1024 }, data) },
                new Dictionary<string, string> { ["version"] = k.ToString() });
            Console.WriteLine($"saved {k}");
        }
    }

    /// <summary>The version a file holds, after checking that it is complete and consistent; throws otherwise.</summary>
    public static int Verify(string path)
    {
        var file = Safetensors.Load(path);
        int k = int.Parse(file.Metadata["version"]);
        var w = file["w"].Data;
        if (w.Length != Values) throw new InvalidDataException($"{path}: {w.Length} values");
        foreach (float v in w)
            if (v != k) throw new InvalidDataException($"{path}: version {k} holds {v}");
        return k;
    }
}
