// The resume check of issue 9, as a user writes it against the Recur package: train 40 steps without stopping, or
// train 20, checkpoint, and train the last 20 in a new process after loading. Both print every parameter's bits
// (a hash per tensor) and the default generator's next draw; the lines must be identical.
// usage: Resume full | first FILE | resume FILE
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Recur;
using Recur.IO;
using Recur.Nn;
using Recur.Optim;

var mode = args.Length > 0 ? args[0] : "full";
var (l, h, o) = Make();
var model = new Pair(l, h);
switch (mode)
{
    case "full":
        Train(l, h, o, 0, 40);
        Print(model);
        break;
    case "first":
        Train(l, h, o, 0, 20);
        Checkpoint.Save(args[1], model, o);
        break;
    case "resume":
        Checkpoint.Load(args[1], model, o);
        Train(l, h, o, 20, 40);
        Print(model);
        break;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return 2;
}
return 0;

static (Lstm, Linear, Adam) Make() { Generator.ManualSeed(3); var l = new Lstm(4, 24, numLayers: 2, dropout: 0.2f); var h = new Linear(24, 1);
    return (l, h, new Adam(l.Parameters().Concat(h.Parameters()), lr: 1e-2)); }
static void Train(Lstm l, Linear h, Adam o, int from, int to) { for (int s = from; s < to; s++) {
    var g = new Generator(1000 + s); var x = Tensor.Randn(g, 12, 5, 4); var y = Tensor.Randn(g, 12, 5, 1);
    var (out_, _) = l.Forward(x); var loss = Functional.MseLoss(h.Forward(out_), y); o.ZeroGrad(); loss.Backward(); o.Step(); } }

static void Print(Module model)
{
    foreach (var (name, p) in model.NamedParameters())
    {
        var bytes = MemoryMarshal.AsBytes(p.ToArray().AsSpan());
        Console.WriteLine($"{name} [{string.Join(", ", p.Shape)}] sha256 {Convert.ToHexString(SHA256.HashData(bytes))[..16]}");
    }
    float next = Tensor.Randn(1).Item();
    Console.WriteLine($"next draw of the default generator: {BitConverter.SingleToInt32Bits(next):x8} ({next})");
}

// One module holding both, so one checkpoint carries every parameter under PyTorch's names.
sealed class Pair : Module
{
    public Pair(Lstm lstm, Linear head)
    {
        RegisterModule("lstm", lstm);
        RegisterModule("head", head);
    }
}
