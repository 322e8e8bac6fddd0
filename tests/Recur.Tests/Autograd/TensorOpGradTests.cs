using Recur.Nn;

namespace Recur.Tests.Autograd;

/// <summary>Finite-difference checks of every differentiable tensor operation.</summary>
public class TensorOpGradTests
{
    private static Tensor R(params int[] shape) => Tensor.Randn(new Generator(shape.Sum() * 31 + shape.Length), shape);
    private static Tensor Pos(params int[] shape) => R(shape).Abs() + 0.5f;

    [Fact] public void Add() { var (a, b) = (R(3, 4), R(3, 4)); GradCheck.Check(() => a + b, a, b); }
    [Fact] public void AddBroadcastRow() { var (a, b) = (R(3, 4), R(4)); GradCheck.Check(() => a + b, a, b); }
    [Fact] public void AddBroadcastBoth() { var (a, b) = (R(3, 1, 2), R(4, 1)); GradCheck.Check(() => a + b, a, b); }
    [Fact] public void Sub() { var (a, b) = (R(2, 3), R(1, 3)); GradCheck.Check(() => a - b, a, b); }
    [Fact] public void Mul() { var (a, b) = (R(2, 3), R(2, 1)); GradCheck.Check(() => a * b, a, b); }
    [Fact] public void Div() { var (a, b) = (R(2, 3), Pos(3)); GradCheck.Check(() => a / b, a, b); }
    [Fact] public void ScalarOps() { var a = R(5); GradCheck.Check(() => (a * 3f + 1f) / 2f - 4f, a); }
    [Fact] public void Neg() { var a = R(5); GradCheck.Check(() => -a, a); }
    [Fact] public void Pow() { var a = Pos(6); GradCheck.Check(() => a.Pow(2.5f), a); }
    [Fact] public void Exp() { var a = R(6); GradCheck.Check(() => a.Exp(), a); }
    [Fact] public void Log() { var a = Pos(6); GradCheck.Check(() => a.Log(), a); }
    [Fact] public void Tanh() { var a = R(6); GradCheck.Check(() => a.Tanh(), a); }
    [Fact] public void Sigmoid() { var a = R(6); GradCheck.Check(() => a.Sigmoid(), a); }
    [Fact] public void Relu() { var a = R(8) + 0.05f; GradCheck.Check(() => a.Relu(), a); }
    [Fact] public void Sqrt() { var a = Pos(6); GradCheck.Check(() => a.Sqrt(), a); }
    [Fact] public void Abs() { var a = Pos(6) * -1f; GradCheck.Check(() => a.Abs(), a); }
    [Fact] public void SinCos() { var a = R(6); GradCheck.Check(() => a.Sin() * a.Cos(), a); }
    [Fact] public void Clamp() { var a = R(10); GradCheck.Check(() => a.Clamp(-0.5f, 0.7f), a); }
    [Fact] public void SumAll() { var a = R(3, 4); GradCheck.Check(() => a.Sum(), a); }
    [Fact] public void SumDim() { var a = R(2, 3, 4); GradCheck.Check(() => a.Sum(1), a); GradCheck.Check(() => a.Sum(-1, keepDim: true), a); }
    [Fact] public void Mean() { var a = R(2, 3, 4); GradCheck.Check(() => a.Mean(0), a); GradCheck.Check(() => a.Mean(), a); }
    [Fact] public void Norm() { var a = R(7); GradCheck.Check(() => a.Norm(), a); GradCheck.Check(() => a.Norm(3f), a); }
    [Fact] public void MatMul2D() { var (a, b) = (R(3, 4), R(4, 5)); GradCheck.Check(() => a.MatMul(b), a, b); }
    [Fact] public void MatMulLeadingDims() { var (a, b) = (R(2, 3, 4), R(4, 2)); GradCheck.Check(() => a.MatMul(b), a, b); }
    [Fact] public void MatMulBatched() { var (a, b) = (R(2, 3, 4), R(2, 4, 5)); GradCheck.Check(() => a.MatMul(b), a, b); }
    [Fact] public void MatMulVector() { var (a, b) = (R(4), R(4, 3)); GradCheck.Check(() => a.MatMul(b), a, b); GradCheck.Check(() => b.T().MatMul(a), a, b); }
    [Fact] public void View() { var a = R(2, 6); GradCheck.Check(() => a.View(3, -1) * a.View(3, 4), a); }
    [Fact] public void UnsqueezeSqueezeFlatten() { var a = R(2, 3); GradCheck.Check(() => a.Unsqueeze(1).Squeeze(1).Unsqueeze(-1).Flatten(), a); }
    [Fact] public void Transpose() { var a = R(2, 3, 4); GradCheck.Check(() => a.Transpose(0, 2), a); }
    [Fact] public void Permute() { var a = R(2, 3, 4); GradCheck.Check(() => a.Permute(1, 2, 0), a); }
    [Fact] public void Narrow() { var a = R(4, 5); GradCheck.Check(() => a.Narrow(1, 1, 3), a); GradCheck.Check(() => a.Narrow(0, 2, 2), a); }
    [Fact] public void Select() { var a = R(3, 4); GradCheck.Check(() => a.Select(1, -1), a); }
    [Fact] public void IndexSelectRepeated() { var a = R(4, 3); GradCheck.Check(() => a.IndexSelect(0, new[] { 2, 0, 2, 3 }), a); }
    [Fact] public void Cat() { var (a, b) = (R(2, 3), R(2, 2)); GradCheck.Check(() => Tensor.Cat(new[] { a, b }, 1), a, b); }
    [Fact] public void Stack() { var (a, b) = (R(2, 3), R(2, 3)); GradCheck.Check(() => Tensor.Stack(new[] { a, b }, 1), a, b); }
    [Fact] public void Expand() { var a = R(3, 1); GradCheck.Check(() => a.Expand(3, 4), a); }
    [Fact] public void Softmax() { var a = R(3, 5); GradCheck.Check(() => Functional.Softmax(a, 1), a); GradCheck.Check(() => Functional.Softmax(a, 0), a); }
    [Fact] public void LogSoftmax() { var a = R(2, 4, 3); GradCheck.Check(() => Functional.LogSoftmax(a, 1), a); }
    [Fact] public void Linear() { var (x, w, b) = (R(2, 3, 4), R(5, 4), R(5)); GradCheck.Check(() => Functional.Linear(x, w, b), x, w, b); }
    [Fact] public void LinearNoBias1D() { var (x, w) = (R(4), R(2, 4)); GradCheck.Check(() => Functional.Linear(x, w), x, w); }
    [Fact] public void MseLoss()
    {
        var (x, y) = (R(3, 4), R(3, 4) * 0.5f);
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            GradCheck.Check(() => Functional.MseLoss(x, y, red), x, y);
    }

    [Fact]
    public void CrossEntropy()
    {
        var x = R(4, 5, 2);
        var t = new IndexTensor(new long[] { 0, 4, 2, -100, 1, 3, 3, 0 }, 4, 2);
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            GradCheck.Check(() => Functional.CrossEntropy(x, t, -100, red, 0.15f), x);
    }

    [Fact]
    public void Embedding()
    {
        var w = R(6, 3);
        var idx = new IndexTensor(new long[] { 1, 5, 1, 0, 2, 2 }, 2, 3);
        GradCheck.Check(() => Functional.Embedding(idx, w), w);
    }

    [Fact]
    public void DropoutWithFixedMask()
    {
        var a = R(4, 5);
        GradCheck.Check(() => Functional.Dropout(a, 0.4f, training: true, new Generator(3)), a);
    }
}
