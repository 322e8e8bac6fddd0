using System.Diagnostics;
using CsCheck;
using Recur.IO;
using Recur.Nn;
using Recur.Optim;
using Recur.Tests.Hostile;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: <see cref="Checkpoint.Load"/>. Inputs are a real checkpoint (LSTM + linear head, Adam after a step,
/// ReduceLrOnPlateau) with its metadata JSON edited (hostile tokens inserted, ranges deleted, tensors renamed) and then
/// put through byte mutations. Property: it loads, and then what was loaded saves and loads back to the same state;
/// or it raises <see cref="InvalidDataException"/> with a bounded one-line message and changes nothing (the
/// model, optimizer, scheduler and <see cref="Generator.Default"/> save to the same bytes as before); never another
/// exception, a hang, or more allocation than <see cref="AllocationBound"/>.
/// Runs alone: loading a checkpoint sets <see cref="Generator.Default"/>, which is restored afterwards.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(nameof(SerialCollection))]
public class CheckpointFuzz(ITestOutputHelper output)
{
    /// <summary>The stated bound (docs/RELIABILITY.md): 32 bytes allocated per byte of file, plus 4 MiB.</summary>
    public static long AllocationBound(long fileLength) => 32 * fileLength + (4 << 20);

    /// <summary>Most characters of a load error beyond the path (docs/RELIABILITY.md).</summary>
    public const int MaxMessage = 4096;

    private sealed record Edit(int Key, int At, int Token, int Delete);
    private sealed record Input(Edit[] Edits, int Rename, FuzzMutations.Mutation[] Mutations);

    private static readonly string[] Renames = ["optimizer.state.9.step", "optimizer.state.-1.step", "optimizer.state.0", "optimizer.x", "head.weight2", "rnn.weight_ih_l0"];

    private static readonly Gen<Input> InputGen = Gen.Select(
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.Int[0, 255], Gen.Int[0, 8], (k, a, t, d) => new Edit(k, a, t, d)).Array[0, 3],
        Gen.Int[-1, Renames.Length - 1], FuzzMutations.Gen1.Array[0, 3], (e, r, m) => new Input(e, r, m));

    private sealed class Objects
    {
        public readonly Sequential Model = new(("rnn", new Lstm(2, 3, rng: new Generator(1))), ("head", new Linear(3, 2, rng: new Generator(2))));
        public readonly Adam Optimizer;
        public readonly ReduceLrOnPlateau Scheduler;

        public Objects()
        {
            Optimizer = new Adam(Model.Parameters(), lr: 0.01);
            Scheduler = new ReduceLrOnPlateau(Optimizer, patience: 1);
            foreach (var p in Model.Parameters()) p.Grad = Tensor.Ones(p.Shape);
            Optimizer.Step();
            Scheduler.Step(1.0);
        }

        /// <summary>Everything a load may change, as text: parameters, optimizer and scheduler state, the default generator.</summary>
        public string Snapshot()
        {
            var opt = Optimizer.StateDict();
            return System.Text.Json.JsonSerializer.Serialize(new
            {
                parameters = Model.NamedParameters().Select(p => p.Name + Bits(p.Parameter)).ToArray(),
                state = opt.State.OrderBy(kv => kv.Key).Select(kv => kv.Key + string.Concat(kv.Value.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + Bits(e.Value)))).ToArray(),
                groups = opt.ParamGroups,
                scheduler = Scheduler.StateDict(),
                generator = Convert.ToHexString(Generator.Default.GetState()),
            });
        }

        private static string Bits(Tensor t) =>
            Shapes.Format(t.Shape) + Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ToArray().AsSpan()));

        public byte[] Save(string path)
        {
            Checkpoint.Save(path, Model, Optimizer, Scheduler, new Dictionary<string, string> { ["epoch"] = "3" });
            return File.ReadAllBytes(path);
        }
    }

    // The input file: the original's metadata and tensor names edited, re-saved, then its bytes mutated.
    private static byte[] Build(Input input, SafetensorsFile original)
    {
        var metadata = original.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        var keys = metadata.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        foreach (var e in input.Edits)
        {
            string key = keys[e.Key % keys.Length], value = metadata[key];
            int at = e.At % (value.Length + 1);
            value = value.Remove(at, Math.Min(e.Delete, value.Length - at));
            metadata[key] = value.Insert(at, System.Text.Encoding.UTF8.GetString(FuzzMutations.Tokens[e.Token % FuzzMutations.Tokens.Length]));
        }
        var tensors = original.Tensors.ToList();
        if (input.Rename >= 0)
        {
            int i = input.Rename % tensors.Count;
            string name = Renames[input.Rename];
            if (tensors.All(t => t.Name != name)) tensors[i] = tensors[i] with { Name = name };
        }
        return FuzzMutations.Apply(SafetensorsFuzz.Bytes(tensors, metadata), input.Mutations);
    }

    [Fact]
    public void EveryInputLoadsAndRoundTripsOrIsInvalidDataAndChangesNothing()
    {
        var generatorBefore = Generator.Default.GetState();
        using var dir = new Data.TempDirectory();
        string path = Path.Combine(dir.Path, "in.ckpt"), again = Path.Combine(dir.Path, "again.ckpt");
        var objects = new Objects();
        string pristinePath = Path.Combine(dir.Path, "pristine.ckpt");
        objects.Save(pristinePath);
        var original = Safetensors.Load(pristinePath);
        long loaded = 0, total = 0;
        try
        {
            FuzzBudget.Run(InputGen, input =>
            {
                total++;
                byte[] bytes = Build(input, original);
                // A fresh name each time: rewriting one file makes ext4 flush it on truncation (auto_da_alloc), 7 ms a time.
                File.Delete(path);
                path = Path.Combine(dir.Path, $"in{total}.ckpt");
                File.WriteAllBytes(path, bytes);
                string before = objects.Snapshot();
                var clock = Stopwatch.StartNew();
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    Checkpoint.Load(path, objects.Model, objects.Optimizer, objects.Scheduler);
                }
                catch (InvalidDataException e)
                {
                    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                    // A state_dict mismatch keeps PyTorch's multi-line layout (a list of at most 20 keys of ≤ 80 characters each).
                    Assert.True(e.Message.Length <= path.Length + MaxMessage, $"{e.Message.Length}-character message");
                    Assert.True(allocated <= AllocationBound(bytes.Length), $"{allocated} bytes allocated for a {bytes.Length}-byte file");
                    Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
                    Assert.Equal(before, objects.Snapshot()); // nothing changed
                    return;
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
                Assert.True(allocated <= AllocationBound(bytes.Length), $"{allocated} bytes allocated for a {bytes.Length}-byte file");
                loaded++;
                // Round trip: what was loaded saves and loads back to the same state.
                string loadedState = objects.Snapshot();
                objects.Save(again);
                Checkpoint.Load(again, objects.Model, objects.Optimizer, objects.Scheduler);
                Assert.Equal(loadedState, objects.Snapshot());
                Checkpoint.Load(pristinePath, objects.Model, objects.Optimizer, objects.Scheduler); // back to the start
            }, output.WriteLine, input => FuzzBudget.Show(Build(input, original)));
        }
        finally
        {
            Generator.Default.SetState(generatorBefore);
        }
        output.WriteLine($"{loaded} of {total} inputs loaded (the rest were InvalidDataException)");
        Assert.True(loaded > 0 && loaded < total, "the generator reaches both outcomes");
    }
}
