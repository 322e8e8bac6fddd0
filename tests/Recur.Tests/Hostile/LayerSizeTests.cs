using Recur.Nn;

namespace Recur.Tests.Hostile;

/// <summary>
/// Tests that change process-wide settings (<see cref="LayerLimits.MaxParameterBytes"/>, <c>KernelOptions.MaxThreads</c>,
/// <see cref="Generator.Default"/>) or measure the whole heap: they never run in parallel with other tests.
/// </summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public class SerialCollection;

/// <summary>Issue 14: <c>new Lstm(8, 23000)</c> tried to allocate 8.5 GB, <c>new Linear(40000, 50000)</c> 8 GB.</summary>
[Collection(nameof(SerialCollection))]
public class LayerSizeTests
{
    private static string Refused(Func<object> build)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ArgumentException>(build);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "refused before allocating");
        Assert.Contains("sanity bound per layer; if this size is meant, raise Recur.Nn.LayerLimits.MaxParameterBytes", ex.Message);
        return ex.Message;
    }

    [Fact]
    public void HugeLayersNameTheirSizeAndMemory()
    {
        Assert.StartsWith("Lstm(8, 23000): its parameters need 7.89 GiB (2,116,920,000 float32 values), more than the 2 GiB", Refused(() => new Lstm(8, 23000)));
        Assert.StartsWith("Linear(40000, 50000): its parameters need 7.45 GiB (2,000,050,000 float32 values)", Refused(() => new Linear(40000, 50000)));
        Assert.StartsWith("Embedding(1000000, 1000): its parameters need 3.73 GiB", Refused(() => new Embedding(1_000_000, 1000)));
        Assert.StartsWith("Gru(10, 100, num_layers=100000, bidirectional=True)", Refused(() => new Gru(10, 100, numLayers: 100_000, bidirectional: true)));
        Assert.StartsWith("LstmCell(100000, 100000)", Refused(() => new LstmCell(100_000, 100_000)));
        Refused(() => new Rnn(int.MaxValue, int.MaxValue)); // the count does not wrap
    }

    [Fact]
    public void TheBoundCountsEveryParameter()
    {
        var lstm = new Lstm(5, 7, numLayers: 3, bidirectional: true, projSize: 4);
        double counted = lstm.Parameters().Sum(p => (double)p.Numel);
        long before = LayerLimits.MaxParameterBytes;
        try
        {
            LayerLimits.MaxParameterBytes = (long)(4 * counted);
            _ = new Lstm(5, 7, numLayers: 3, bidirectional: true, projSize: 4); // exactly at the bound
            LayerLimits.MaxParameterBytes = (long)(4 * counted) - 1;
            Refused(() => new Lstm(5, 7, numLayers: 3, bidirectional: true, projSize: 4));
            var gru = new GruCell(3, 6, bias: false);
            LayerLimits.MaxParameterBytes = 4L * gru.Parameters().Sum(p => p.Numel) - 1;
            Refused(() => new GruCell(3, 6, bias: false));
        }
        finally
        {
            LayerLimits.MaxParameterBytes = before;
        }
    }

    [Fact]
    public void TheBoundCanBeRaised()
    {
        long before = LayerLimits.MaxParameterBytes;
        try
        {
            LayerLimits.MaxParameterBytes = 64;
            Refused(() => new Linear(4, 4));
            LayerLimits.MaxParameterBytes = 80;
            Assert.Equal(20, new Linear(4, 4).Parameters().Sum(p => p.Numel));
            Assert.Throws<ArgumentOutOfRangeException>(() => LayerLimits.MaxParameterBytes = 0);
        }
        finally
        {
            LayerLimits.MaxParameterBytes = before;
        }
    }
}
