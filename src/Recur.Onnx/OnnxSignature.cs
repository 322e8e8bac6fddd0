namespace Recur.Onnx;

/// <summary>
/// What to trace for a module whose inputs and outputs are not the default ones: the graph inputs, the names of the
/// outputs and the forward to run on example values of those inputs. Every tensor operation the forward performs is
/// recorded (see docs/ONNX.md for the supported ones), so a user's own module exports without exporter code.
/// </summary>
/// <param name="Inputs">The graph inputs, in order.</param>
/// <param name="Outputs">The names of the graph outputs, in the order <paramref name="Forward"/> returns them.</param>
/// <param name="Forward">Runs the model on example inputs (index i of the argument is input i: a <see cref="Tensor"/>, or an <see cref="IndexTensor"/> when <see cref="OnnxInput.IsIndices"/>).</param>
public sealed record OnnxSignature(IReadOnlyList<OnnxInput> Inputs, IReadOnlyList<string> Outputs, Func<IReadOnlyList<object>, IReadOnlyList<Tensor>> Forward);
