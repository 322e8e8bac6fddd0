// The seed tutorial's first section, "sequence representation", in C#:
// the sentence "i hate this boring movie" as one-hot vectors ([5, 100]: 5 words, a 100-word vocabulary)
// and as learned embeddings ([5, 2]), batched in both layouts — [word_num, b, word_vec] and
// [b, word_num, word_vec] (batch_first) — and fed through an LSTM.
//
//   dotnet run --project examples/Representation

using Recur;
using Recur.Nn;

namespace Recur.Examples.Representation;

public static class Program
{
    public static int Main()
    {
        Generator.ManualSeed(0);

        // A 100-word vocabulary: the two sentences' words first, then filler words.
        string[] sentences = { "i hate this boring movie", "i love this great movie" };
        var vocabulary = sentences.SelectMany(s => s.Split(' ')).Distinct().ToList();
        while (vocabulary.Count < 100) vocabulary.Add($"word{vocabulary.Count}");
        IndexTensor Encode(string s) => IndexTensor.From(s.Split(' ').Select(w => (long)vocabulary.IndexOf(w)).ToArray());

        // 1. One-hot: each word is a 100-d vector with a single 1 — sparse, high-dimensional, no notion of similarity.
        var words = Encode(sentences[0]);
        var oneHot = Functional.OneHot(words, vocabulary.Count).ToFloat();
        Console.WriteLine($"\"{sentences[0]}\"  indices {words}");
        Console.WriteLine($"one-hot:   {Shapes.Format(oneHot.Shape)}   (5 words × 100-word vocabulary)");

        // 2. Embedding: a learned table of dense vectors; 2 features per word, as in the tutorial's [5, 2].
        var embedding = new Embedding(vocabulary.Count, 2);
        var embedded = embedding.Forward(words);
        Console.WriteLine($"embedded:  {Shapes.Format(embedded.Shape)}     {embedding}");

        // 3. Batches of both sentences in both layouts.
        var batch = new[] { Encode(sentences[0]), Encode(sentences[1]) };
        var oneHotSeqFirst = Tensor.Stack(batch.Select(s => Functional.OneHot(s, 100).ToFloat()).ToList(), dim: 1); // [5, 2, 100]
        var oneHotBatchFirst = oneHotSeqFirst.Transpose(0, 1);                                                      // [2, 5, 100]
        var embSeqFirst = Tensor.Stack(batch.Select(embedding.Forward).ToList(), dim: 1);                              // [5, 2, 2]
        Console.WriteLine($"batch [word_num, b, word_vec]: one-hot {Shapes.Format(oneHotSeqFirst.Shape)}, embedded {Shapes.Format(embSeqFirst.Shape)}");
        Console.WriteLine($"batch [b, word_num, word_vec]: one-hot {Shapes.Format(oneHotBatchFirst.Shape)}");

        // 4. One LSTM, weights shared across time steps, read in both layouts: the same numbers, transposed.
        var lstm = new Lstm(inputSize: 100, hiddenSize: 20);
        var lstmBatchFirst = new Lstm(inputSize: 100, hiddenSize: 20, batchFirst: true);
        lstmBatchFirst.LoadStateDict(lstm.StateDict());
        var (outSeq, (h, c)) = lstm.Forward(oneHotSeqFirst);
        var (outBatch, _) = lstmBatchFirst.Forward(oneHotBatchFirst);
        float diff = (outSeq.Transpose(0, 1) - outBatch).Abs().Max();
        Console.WriteLine($"{lstm}: output {Shapes.Format(outSeq.Shape)}, h_n {Shapes.Format(h.Shape)}, c_n {Shapes.Format(c.Shape)}");
        Console.WriteLine($"{lstmBatchFirst}: output {Shapes.Format(outBatch.Shape)}; max |difference| after transposing: {diff}");

        var (outEmb, _) = new Lstm(inputSize: 2, hiddenSize: 20).Forward(embSeqFirst);
        Console.WriteLine($"LSTM(2, 20) on the embedded batch: output {Shapes.Format(outEmb.Shape)}");
        return diff == 0 ? 0 : 1;
    }
}
