// Recur: recurrent neural networks for .NET in pure C#, with PyTorch's semantics.
[assembly: System.CLSCompliant(false)]
