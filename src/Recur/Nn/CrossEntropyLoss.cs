namespace Recur.Nn;

/// <summary>Cross entropy over class indices, as <c>nn.CrossEntropyLoss</c> (see <see cref="Functional.CrossEntropy"/>).</summary>
public sealed class CrossEntropyLoss : Module
{
    public int IgnoreIndex { get; }
    public Reduction Reduction { get; }
    public float LabelSmoothing { get; }

    public CrossEntropyLoss(int ignoreIndex = -100, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
        LabelSmoothing = labelSmoothing;
    }

    public Tensor Forward(Tensor input, IndexTensor target) => Functional.CrossEntropy(input, target, IgnoreIndex, Reduction, LabelSmoothing);
}
