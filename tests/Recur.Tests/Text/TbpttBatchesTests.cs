using Recur.Text;

namespace Recur.Tests.Text;

public class TbpttBatchesTests
{
    [Fact]
    public void StreamsContinueFromStepToStepAndTargetsAreShiftedByOne()
    {
        var data = Enumerable.Range(0, 1000).ToArray();
        var b = new TbpttBatches(data, batch: 4, seqLen: 10);
        var rng = new Generator(3);
        var (x1, y1) = b.Next(rng);
        var (x2, _) = b.Next(rng);
        int offset = b.Offset;
        Assert.InRange(offset, 0, 9);
        int stream = (1000 - 1 - offset) / 4;
        for (int s = 0; s < 4; s++)
        {
            Assert.Equal(offset + s * stream, x1[s * 10]);
            Assert.Equal(x1[s * 10 + 9] + 1, x2[s * 10]);                      // the next chunk continues the stream
            for (int t = 0; t < 10; t++) Assert.Equal(x1[s * 10 + t] + 1, y1[s * 10 + t]);
        }
        Assert.Equal(stream / 10, b.StepsPerEpoch);
        while (!b.AtEpochStart) b.Next(rng);
        Assert.Equal(1, b.Epoch);
    }

    [Fact]
    public void BatchShrinksToWhatAShortTextHolds()
    {
        var b = new TbpttBatches(Enumerable.Range(0, 25).ToArray(), batch: 64, seqLen: 8);
        Assert.Equal(3, b.Batch);
        var (x, y) = b.Next(new Generator(0));
        Assert.Equal(3 * 8, x.Length);
        Assert.All(y, v => Assert.InRange(v, 1, 24));
    }
}
