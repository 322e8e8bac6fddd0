using Recur.Nn;

namespace Recur.Tests.Nn;

public class LossAndEmbeddingTests
{
    [Fact]
    public void OneHotAndEmbeddingOfTheSeedSentence()
    {
        // "i hate this boring movie": 5 words from a 100-word vocabulary → [5, 100] one-hot, or [5, 2] embedded.
        var words = IndexTensor.From(7, 42, 3, 18, 99);
        var oneHot = Functional.OneHot(words, 100);
        Assert.Equal(new[] { 5, 100 }, oneHot.Shape);
        Assert.Equal(5, oneHot.Data.Sum());
        Assert.Equal(1, oneHot.Data[1 * 100 + 42]);
        var emb = new Embedding(100, 2);
        Assert.Equal(new[] { 5, 2 }, emb.Forward(words).Shape);
    }

    [Fact]
    public void OneHotErrors()
    {
        Assert.Contains("Class values must be smaller than num_classes", Assert.Throws<ArgumentException>(() => Functional.OneHot(IndexTensor.From(1, 6), 6)).Message);
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => Functional.OneHot(IndexTensor.From(-1, 2))).Message);
        Assert.Equal(new[] { 2, 7 }, Functional.OneHot(IndexTensor.From(6, 2)).Shape);
    }

    [Fact]
    public void EmbeddingIndexOutOfRangeIsAClearError()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => new Embedding(10, 3).Forward(IndexTensor.From(1, 12)));
        Assert.Contains("Embedding index 12 at position 1 is out of range: expected 0 <= index < num_embeddings (10)", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => new Embedding(10, 3).Forward(IndexTensor.From(-1)));
    }

    [Fact]
    public void PaddingRowGetsNoGradientButRepeatsAccumulate()
    {
        var emb = new Embedding(5, 2, paddingIdx: 0);
        Assert.Equal(new float[] { 0, 0 }, emb.Weight.ToArray()[..2]);
        emb.Forward(IndexTensor.From(0, 3, 3, 0)).Sum().Backward();
        var g = emb.Weight.Grad!.ToArray();
        Assert.Equal(new float[] { 0, 0 }, g[..2]);
        Assert.Equal(new float[] { 2, 2 }, g[6..8]);
    }

    [Fact]
    public void CrossEntropyClassOutOfRange()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Functional.CrossEntropy(Tensor.Randn(3, 4), IndexTensor.From(0, 4, 1)));
        Assert.Contains("Target 4 is out of bounds: expected 0 <= target < 4 classes", e.Message);
        // ignore_index itself is fine even when outside [0, C)
        Functional.CrossEntropy(Tensor.Randn(3, 4), IndexTensor.From(0, -100, 1));
        Assert.Contains("Expected target size [3], got [2]",
            Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(Tensor.Randn(3, 4), IndexTensor.From(0, 1))).Message);
    }

    [Fact]
    public void CrossEntropyAllIgnoredIsNaN() =>
        Assert.True(float.IsNaN(Functional.CrossEntropy(Tensor.Randn(2, 3), IndexTensor.From(-100, -100)).Item()));

    [Fact]
    public void MseShapeMismatchNamesBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.MseLoss(Tensor.Zeros(1, 50, 1), Tensor.Zeros(1, 50)));
        Assert.Contains("target size [1, 50] is different to the input size [1, 50, 1]", e.Message);
    }

    [Fact]
    public void LinearWrongWidth()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(5, 3).Forward(Tensor.Zeros(4, 6)));
        Assert.Equal("mat1 and mat2 shapes cannot be multiplied (4x6 and 5x3)", e.Message);
    }
}
