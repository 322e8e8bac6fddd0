namespace Recur.Optim;

/// <summary>
/// An optimizer's state as PyTorch's <c>optimizer.state_dict()</c> holds it: per-parameter state by the
/// parameter's index across all groups (<c>step</c> as a 0-d tensor, <c>exp_avg</c>, <c>momentum_buffer</c>…),
/// and one dictionary of hyper-parameters per group with the indices of its parameters under <c>params</c>.
/// </summary>
/// <param name="State">Index → state name → tensor (copies, not the optimizer's live buffers). Indices without state are absent.</param>
/// <param name="ParamGroups">Per group: PyTorch's keys to <see cref="double"/>, <see cref="bool"/>, <c>double[]</c> (<c>betas</c>) or <c>int[]</c> (<c>params</c>).</param>
public sealed record OptimizerStateDict(
    IReadOnlyDictionary<int, IReadOnlyDictionary<string, Tensor>> State,
    IReadOnlyList<IReadOnlyDictionary<string, object>> ParamGroups);
