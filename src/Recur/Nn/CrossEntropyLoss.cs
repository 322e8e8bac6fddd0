namespace Recur.Nn;

/// <summary>Cross entropy over class indices, as <c>nn.CrossEntropyLoss</c> (see <see cref="Functional.CrossEntropy"/>).</summary>
public sealed class CrossEntropyLoss : Module
{
    /// <summary>Target value that is ignored and contributes no gradient (<c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; }
    /// <summary>How the per-element losses are reduced.</summary>
    public Reduction Reduction { get; }
    /// <summary>Amount of label smoothing in [0, 1] (<c>label_smoothing</c>).</summary>
    public float LabelSmoothing { get; }

    /// <summary>PyTorch's <c>nn.CrossEntropyLoss(ignore_index, reduction, label_smoothing)</c>.</summary>
    public CrossEntropyLoss(int ignoreIndex = -100, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The loss of logits <paramref name="input"/> ([N, C], [N, C, d…] or [C]) against class indices <paramref name="target"/>.</summary>
    public Tensor Forward(Tensor input, IndexTensor target) => Functional.CrossEntropy(input, target, IgnoreIndex, Reduction, LabelSmoothing);
}
