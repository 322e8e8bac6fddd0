using System.Diagnostics;
using CsCheck;
using Recur.IO;
using Recur.Tests.Data;
using Recur.Tests.Text;
using Recur.Text;
using Xunit.Abstractions;

namespace Recur.Tests.Fuzz;

/// <summary>
/// Fuzz target: what <c>recur charlm sample --model</c> and <c>recur charlm train --resume</c> read. Inputs are a real
/// model file and its training checkpoint (a tiny char-LM after a few steps) with their metadata edited — a whole
/// value replaced (sizes at and past every limit, wrong JSON types, nulls, hostile JSON), one number inside a JSON value
/// replaced (the loop state's step, epoch, offset, a carried-state length, the settings' sizes), hostile tokens inserted
/// or ranges deleted — a tensor renamed, reshaped, shortened or given a NaN or a huge value, and in one input of four byte mutations.
/// Property: a model file loads and writes 20 characters of its own vocabulary, or <see cref="CharLmFile.Load"/> raises
/// <see cref="InvalidDataException"/>; a checkpoint resumes and runs on to its step budget, or
/// <see cref="CharLmTrainer.Resume"/> raises <see cref="InvalidDataException"/>. Either way a one-line message of
/// bounded length (a checkpoint's state_dict mismatch keeps PyTorch's multi-line layout), allocation bounded by the file's size, never another exception or a hang.
/// </summary>
[Trait("Category", "Fuzz")]
public class CharLmFileFuzz(ITestOutputHelper output)
{
    private const int MaxMessage = 600;

    private static long AllocationBound(long fileLength) => 32 * fileLength + (16 << 20);

    private sealed record Input(bool Checkpoint, MetadataEdits.Edit[] Edits, int Tensor, int TensorEdit, FuzzMutations.Mutation[] Mutations, ulong Seed);

    private static readonly string[] Replacements =
    [
        "0", "-1", "1", "2", "65536", "65537", "2147483647", "99999999999999999999", "1e308", "NaN", "", "true", "null", "[]", "{}",
        "[null]", "\"\"", "\"a\"", "\"\\ud800\"", "\"\\u0000\"", "[1,2]", "-2147483648", "0.999", "1", new string('[', 200),
    ];

    private static readonly Gen<Input> InputGen = Gen.Select(
        Gen.Bool,
        MetadataEdits.Gen(Replacements.Length),
        Gen.Int[0, 63], Gen.Int[0, MetadataEdits.TensorEdits - 1], Gen.Select(Gen.Int[0, 3], FuzzMutations.Gen1.Array[1, 2], (k, m) => k == 0 ? m : []), Gen.ULong,
        (c, e, t, te, m, s) => new Input(c, e, t, te, m, s));

    private static byte[] Build(Input input, SafetensorsFile original)
    {
        var metadata = MetadataEdits.Apply(original.Metadata, input.Edits, Replacements);
        var tensors = MetadataEdits.EditTensor(original.Tensors, input.Tensor, input.TensorEdit);
        return FuzzMutations.Apply(SafetensorsFuzz.Bytes(tensors, metadata), input.Mutations);
    }

    private static string Describe(Input input, SafetensorsFile original) =>
        $"{(input.Checkpoint ? "checkpoint" : "model")}, tensor {input.Tensor} edit {input.TensorEdit}, {input.Mutations.Length} byte mutation(s); " +
        $"edited metadata: {MetadataEdits.Changed(original, Build(input, original))}";

    [Fact]
    public void EveryFileLoadsAndRunsOrIsInvalidData()
    {
        using var dir = new TempDirectory();
        var corpus = CharCorpus.FromText(CharLmTrainerTests.TinyText(), 16);
        string modelPath = Path.Combine(dir.Path, "m.safetensors");
        new CharLmTrainer(corpus, CharLmTrainerTests.TinyOptions(3) with { HiddenSize = 8, EmbeddingDim = 4 }).Run(modelPath);
        var model = Safetensors.Load(modelPath);
        var checkpoint = Safetensors.Load(CharLmTrainer.CheckpointPath(modelPath));
        long loaded = 0, total = 0;
        var refusals = new FuzzBudget.Refusals();
        string path = Path.Combine(dir.Path, "in.safetensors");
        FuzzBudget.Run(InputGen, input =>
        {
            total++;
            byte[] bytes = Build(input, input.Checkpoint ? checkpoint : model);
            File.Delete(path);
            path = Path.Combine(dir.Path, $"in{total}.safetensors"); // a fresh name: see CheckpointFuzz
            File.WriteAllBytes(path, bytes);
            var clock = Stopwatch.StartNew();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                if (input.Checkpoint)
                {
                    var trainer = CharLmTrainer.Resume(corpus, path);
                    Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated <= AllocationBound(bytes.Length), "allocation while resuming");
                    // On from where it stopped, to the saved step budget (edited or not), and its model and checkpoint saved again.
                    trainer.Run(Path.Combine(dir.Path, "resumed.safetensors"), cancel: new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
                }
                else
                {
                    var m = CharLmFile.Load(path);
                    Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated <= AllocationBound(bytes.Length), "allocation while loading");
                    var text = new CharLmSampler(m.Model, m.Vocabulary).Generate(m.Vocabulary[0].ToString(), 20, 1.0, null, new Generator((long)(input.Seed % 1_000_000)));
                    var vocabulary = Enumerable.Range(0, m.Vocabulary.Count).Select(k => m.Vocabulary[k]).ToHashSet();
                    Assert.Equal(20, text.EnumerateRunes().Count());
                    Assert.All(text.EnumerateRunes(), r => Assert.True(vocabulary.Contains(r), $"'{r}' is not in the vocabulary"));
                }
                loaded++;
            }
            catch (InvalidDataException e)
            {
                // A checkpoint's state_dict mismatch keeps PyTorch's multi-line layout, within CheckpointFuzz's bound.
                MetadataEdits.AssertBounded(e, path, input.Checkpoint ? CheckpointFuzz.MaxMessage : MaxMessage, multiLineStateDict: input.Checkpoint);
                Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated <= AllocationBound(bytes.Length), "allocation before refusing");
                refusals.Add(e, ": ");
            }
            Assert.True(clock.Elapsed < FuzzBudget.HangLimit, $"{clock.Elapsed} for one file");
        }, output.WriteLine, input => Describe(input, input.Checkpoint ? checkpoint : model), iterations: Math.Max(1, FuzzBudget.Iterations / 3));
        output.WriteLine($"{loaded} of {total} files loaded and ran; the refusals:");
        refusals.Log(output.WriteLine);
        Assert.True(loaded > 0 && loaded < total, "the generator reaches both outcomes");
    }
}
