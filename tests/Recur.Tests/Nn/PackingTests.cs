using Recur.Nn;

namespace Recur.Tests.Nn;

public class PackingTests
{
    private static Tensor Seq(int len, int start) =>
        Tensor.FromArray(Enumerable.Range(start, len * 2).Select(v => (float)v).ToArray(), len, 2);

    [Fact]
    public void PackPadRoundTripBothLayouts()
    {
        var padded = RnnUtils.PadSequence(new[] { Seq(2, 0), Seq(4, 100), Seq(1, 200) }, batchFirst: true, paddingValue: -1f);
        Assert.Equal(new[] { 3, 4, 2 }, padded.Shape);
        Assert.Equal(-1f, padded[0, 3, 1]);
        var packed = RnnUtils.PackPaddedSequence(padded, new[] { 2, 4, 1 }, batchFirst: true, enforceSorted: false);
        Assert.Equal(new[] { 3, 2, 1, 1 }, packed.BatchSizes);
        Assert.Equal(new[] { 1, 0, 2 }, packed.SortedIndices);
        Assert.Equal(new[] { 2, 4, 1 }, packed.Lengths());
        // time-major rows: step 0 of (len 4, len 2, len 1), step 1 of (len 4, len 2), ...
        Assert.Equal(new float[] { 100, 101, 0, 1, 200, 201, 102, 103, 2, 3, 104, 105, 106, 107 }, packed.Data.ToArray());
        var (back, lengths) = RnnUtils.PadPackedSequence(packed, batchFirst: true, paddingValue: -1f);
        Assert.Equal(padded.ToArray(), back.ToArray());
        Assert.Equal(new[] { 2, 4, 1 }, lengths);
        var (longer, _) = RnnUtils.PadPackedSequence(packed, totalLength: 6);
        Assert.Equal(new[] { 6, 3, 2 }, longer.Shape);
    }

    [Fact]
    public void PackSequenceSorted()
    {
        var packed = RnnUtils.PackSequence(new[] { Seq(3, 0), Seq(2, 10) });
        Assert.Null(packed.SortedIndices);
        Assert.Equal(new[] { 2, 2, 1 }, packed.BatchSizes);
    }

    [Fact]
    public void BadLengthsAreRejectedWithTheValues()
    {
        var x = Tensor.Randn(5, 3, 2);
        Assert.Contains("Length of all samples has to be greater than 0",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, new[] { 3, 0, 2 }, enforceSorted: false)).Message);
        Assert.Contains("lengths[1] = 7 is longer than the padded sequence: expected every length <= 5",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, new[] { 5, 7, 2 }, enforceSorted: false)).Message);
        Assert.Contains("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, new[] { 2, 5, 1 })).Message);
        Assert.Contains("Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)",
            Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(x, new[] { 2, 1 })).Message);
        var packed = RnnUtils.PackPaddedSequence(x, new[] { 4, 3, 1 });
        Assert.Contains("but got total_length=2 and max sequence length being 4",
            Assert.Throws<ArgumentException>(() => RnnUtils.PadPackedSequence(packed, totalLength: 2)).Message);
    }

    [Fact]
    public void PackedEqualsRunningEachSequenceAlone()
    {
        var m = new Gru(2, 3, numLayers: 2, bidirectional: true, rng: new Generator(1));
        var seqs = new[] { Tensor.Randn(new Generator(2), 3, 2), Tensor.Randn(new Generator(3), 5, 2), Tensor.Randn(new Generator(4), 1, 2) };
        var (packedOut, h) = m.Forward(RnnUtils.PackSequence(seqs, enforceSorted: false));
        var (padded, _) = RnnUtils.PadPackedSequence(packedOut, batchFirst: true);
        for (int b = 0; b < seqs.Length; b++)
        {
            var (alone, hAlone) = m.Forward(seqs[b]);
            int len = seqs[b].Size(0);
            for (int t = 0; t < len; t++)
                for (int j = 0; j < 6; j++) Assert.Equal(alone[t, j], padded[b, t, j], 5);
            for (int l = 0; l < 4; l++)
                for (int j = 0; j < 3; j++) Assert.Equal(hAlone[l, j], h[l, b, j], 5);
            for (int t = len; t < 5; t++) Assert.Equal(0f, padded[b, t, 0]);
        }
    }
}
