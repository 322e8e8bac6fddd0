using Recur.Nn;

namespace Recur.Tests.Hostile;

/// <summary>Issue 14: a hand-built <see cref="PackedSequence"/> was not validated.</summary>
public class PackedSequenceValidationTests
{
    private static readonly Tensor Rows = Tensor.Zeros(3, 2); // batch_sizes [2, 1]

    private static void Refused(Func<PackedSequence> build, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(build);
        Assert.Contains(expected, ex.Message);
        Assert.True(ex.Message.Length < 300, ex.Message);
    }

    // Unsorted indices of the wrong length silently dropped a sequence: a GRU returned h_n for 1 of 2.
    [Fact]
    public void UnsortedIndicesOfTheWrongLength() =>
        Refused(() => new PackedSequence(Rows, [2, 1], [1, 0], [0]), "unsorted_indices has 1 entries for a batch of 2");

    // Out-of-range indices threw IndexOutOfRangeException in forward.
    [Fact]
    public void SortedIndexOutOfRange() =>
        Refused(() => new PackedSequence(Rows, [2, 1], [0, 2]), "sorted_indices [0, 2] has 2, outside [0, 2)");

    [Fact]
    public void NegativeSortedIndex() =>
        Refused(() => new PackedSequence(Rows, [2, 1], [-1, 0]), "has -1, outside [0, 2)");

    [Fact]
    public void RepeatedSortedIndex() =>
        Refused(() => new PackedSequence(Rows, [2, 1], [1, 1]), "sorted_indices [1, 1] has 1 twice");

    [Fact]
    public void UnsortedIndicesNotTheInverse() =>
        Refused(() => new PackedSequence(Tensor.Zeros(4, 2), [3, 1], [1, 2, 0], [1, 2, 0]), "is not the inverse of sorted_indices");

    [Fact]
    public void UnsortedIndicesWithoutSorted() =>
        Refused(() => new PackedSequence(Rows, [2, 1], null, [1, 0]), "unsorted_indices given without sorted_indices");

    // Batch sizes whose sum overflowed threw OverflowException.
    [Fact]
    public void BatchSizesWhoseSumOverflowsAnInt() =>
        Refused(() => new PackedSequence(Rows, [int.MaxValue, int.MaxValue]), "batch_sizes sum to 4294967294");

    // Null batch sizes threw NullReferenceException.
    [Fact]
    public void NullBatchSizes()
    {
        Assert.Throws<ArgumentNullException>(() => new PackedSequence(Rows, null!));
        Assert.Throws<ArgumentNullException>(() => new PackedSequence(null!, [2, 1]));
    }

    [Fact]
    public void LongBatchSizesAreQuotedBounded() =>
        Refused(() => new PackedSequence(Tensor.Zeros(10_000, 2), Enumerable.Range(0, 10_000).Select(i => i == 5000 ? 2 : 1).ToArray()),
            "(10000 items)] (at step 5000: 2)");

    [Fact]
    public void AValidPermutationStillWorks()
    {
        var gru = new Gru(2, 3, rng: new Generator(1));
        var packed = new PackedSequence(Tensor.Randn(new Generator(2), 3, 2), [2, 1], [1, 0]);
        var (_, hN) = gru.Forward(packed);
        Assert.Equal([1, 2, 3], hN.Shape);
    }
}
