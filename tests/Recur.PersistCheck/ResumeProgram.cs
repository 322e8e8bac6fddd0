using System.Security.Cryptography;
using Recur.IO;
using Recur.Nn;
using Recur.Optim;

namespace Recur.PersistCheck;

/// <summary>
/// Issue 9's resume program: an LSTM (2 layers, dropout 0.2) and a Linear trained with Adam, either 0..to in one
/// go or stopped at a checkpoint and resumed. <see cref="Fingerprint"/> prints every parameter's bits (as a hash)
/// and the default generator's next draw, so two runs can be compared line by line.
/// </summary>
public static class ResumeProgram
{
    /// <summary>The module that holds both parts, so one checkpoint has them all (l.*, h.*).</summary>
    public sealed class Pair : Module
    {
        /// <summary>Registers the two parts under the names l and h.</summary>
        public Pair(Lstm l, Linear h)
        {
            L = RegisterModule("l", l);
            H = RegisterModule("h", h);
        }

        /// <summary>The recurrent part.</summary>
        public Lstm L { get; }

        /// <summary>The head.</summary>
        public Linear H { get; }
    }

    /// <summary>Seeds the default generator and builds the model and its optimizer, as the Make().</summary>
    public static (Pair Model, Adam Optimizer) Make(int hidden = 24)
    {
        Generator.ManualSeed(3);
        var l = new Lstm(4, hidden, numLayers: 2, dropout: 0.2f);
        var h = new Linear(hidden, 1);
        return (new Pair(l, h), new Adam(l.Parameters().Concat(h.Parameters()), lr: 1e-2));
    }

    /// <summary>Steps from..to-1, each on its own seeded batch; dropout draws from the default generator.</summary>
    public static void Train(Pair m, Adam o, int from, int to)
    {
        for (int s = from; s < to; s++)
        {
            var g = new Generator(1000 + s);
            var x = Tensor.Randn(g, 12, 5, 4);
            var y = Tensor.Randn(g, 12, 5, 1);
            var (out_, _) = m.L.Forward(x);
            var loss = Functional.MseLoss(m.H.Forward(out_), y);
            o.ZeroGrad();
            loss.Backward();
            o.Step();
        }
    }

    /// <summary>One line per parameter (name, SHA-256 of its float bits) and one with the next default-generator draw's bits.</summary>
    public static List<string> Fingerprint(Module m)
    {
        var lines = new List<string>();
        foreach (var (name, p) in m.NamedParameters())
        {
            var bytes = new byte[4 * p.Numel];
            Buffer.BlockCopy(p.ToArray(), 0, bytes, 0, bytes.Length);
            lines.Add($"{name} {Convert.ToHexString(SHA256.HashData(bytes))}");
        }
        lines.Add($"next draw {Generator.Default.NextUInt64():x16}");
        return lines;
    }

    /// <summary>Make, Train(0, total): the uninterrupted run.</summary>
    public static List<string> Uninterrupted(int stop, int total)
    {
        var (m, o) = Make();
        Train(m, o, 0, total);
        return Fingerprint(m);
    }

    /// <summary>Make, Train(0, stop), Checkpoint.Save: the first half of the resumed run.</summary>
    public static void First(string path, int stop)
    {
        var (m, o) = Make();
        Train(m, o, 0, stop);
        Checkpoint.Save(path, m, o, extra: new Dictionary<string, string> { ["step"] = stop.ToString() });
    }

    /// <summary>Make, Checkpoint.Load, Train(stop, total): the second half, normally in a fresh process.</summary>
    public static List<string> Second(string path, int total)
    {
        var (m, o) = Make();
        var extra = Checkpoint.Load(path, m, o);
        Train(m, o, int.Parse(extra["step"]), total);
        return Fingerprint(m);
    }
}
