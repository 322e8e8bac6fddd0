#!/usr/bin/python3
"""Regenerate Recur's PyTorch golden reference cases.

Every case is one row of a table below (PUBLIC_CASES rebuilds the 73 files in
tests/Recur.Tests/Golden/, EXTRA_CASES the files in tests/Recur.Tests/Golden/extra/).
A row names the module, its config, the shapes, the seed and the few hand-made
details (packed lengths, target positions forced to a value, gradient scales).
The builders draw from torch's RNG in exactly the order each file's `rng` field
states, run PyTorch (float32, CPU, one thread), back-propagate the recorded loss,
redo the same computation in float64 for `f64_max_abs_diff`, and write the JSON
format that tests/Recur.Tests/Golden/README.md specifies.

Run with Debian's interpreter, which has python3-torch (tools/install-pytorch.sh):

    /usr/bin/python3 tools/gen_golden.py --check tests/Recur.Tests/Golden
    /usr/bin/python3 tools/gen_golden.py --check tests/Recur.Tests/Golden/extra --set extra
    /usr/bin/python3 tools/gen_golden.py --out tests/Recur.Tests/Golden/extra --set extra
    /usr/bin/python3 tools/gen_golden.py --out tests/Recur.Tests/Golden/ops --set ops
    /usr/bin/python3 tools/gen_golden.py --out /tmp/golden --only lstm_basic,gru_basic
    /usr/bin/python3 tools/gen_golden.py --out /tmp/golden-s1 --seed-offset 1

--check regenerates in memory and reports, per case, whether every tensor equals
the file's exactly (else the largest absolute difference) and whether the whole
file is byte-identical. --seed-offset K adds K to every seed and appends
`_seed<seed>` to the names, giving the same kinds of cases with fresh numbers.
"""

import argparse
import copy
import json
import math
import os
import subprocess
import sys

# One thread, as the golden files record: a multi-threaded reduction may sum in
# another order and change the last bits. OpenBLAS keeps its own thread pool,
# which torch.set_num_threads does not reach, so it is told before torch loads it.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

FORMAT_VERSION = 1
torch.set_num_threads(1)


# --------------------------------------------------------------------------
# Tensors as JSON
# --------------------------------------------------------------------------

def tensor_obj(t):
    """A tensor as the format's {"shape", "dtype", "data"} object."""
    t = t.detach().cpu()
    if t.dtype == torch.int64:
        data = [int(v) for v in t.reshape(-1).tolist()]
        dtype = "int64"
    else:
        # '%.9g' is enough digits for any float32 to parse back to the same bits;
        # float() of it gives the shortest double repr that json writes.
        data = [float("%.9g" % v) for v in t.float().reshape(-1).tolist()]
        dtype = "float32"
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def leaf(t, dtype):
    """A fresh leaf copy of t in dtype that records its gradient."""
    return t.detach().to(dtype, copy=True).requires_grad_()


def opt_tensor_obj(t):
    return None if t is None else tensor_obj(t)


def is_tensor_obj(obj):
    return isinstance(obj, dict) and set(obj) == {"shape", "dtype", "data"}


def to_json_text(obj, indent=0):
    """json.dumps(indent=1), except that lists of plain values stay on one line
    (so a tensor's data is one line) - the layout of the existing files."""
    pad = " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [pad + json.dumps(k) + ": " + to_json_text(v, indent + 1) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            return "[" + ",".join(json.dumps(v) for v in obj) + "]"
        items = [pad + to_json_text(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    return json.dumps(obj)


def f64_diff(t32, t64):
    """max |float32 result - float64 result|, to 3 significant digits."""
    d = (t32.detach().double() - t64.detach()).abs().max().item()
    return float("%.3g" % d)


def generator_info():
    try:
        ver = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                             capture_output=True, text=True, check=True).stdout.strip()
        package = "python3-torch " + ver
    except (OSError, subprocess.CalledProcessError):
        package = "unknown"
    return {"torch": torch.__version__, "debian_package": package, "numpy": np.__version__,
            "device": "cpu", "threads": torch.get_num_threads()}


def forced_note(forced):
    return ", ".join("%d -> %d" % (i, v) for i, v in sorted(forced.items()))


def apply_forced(t, forced):
    """Set the listed flat (row-major) positions of an int64 tensor."""
    flat = t.reshape(-1)
    for index, value in forced.items():
        flat[index] = value
    return flat.reshape(t.shape)


# --------------------------------------------------------------------------
# kind "rnn": RNN / LSTM / GRU
# --------------------------------------------------------------------------

RNG_RNN = ("torch.manual_seed(seed); module = torch.nn.{module}(**config) (default init); then torch.randn "
           "in this order: input, h0 (if randn), c0 (if randn, LSTM), R1, R2, R3 (LSTM)")
PACK_HOW = ("packed = pack_padded_sequence(input, lengths, batch_first=config.batch_first, "
            "enforce_sorted={sorted}); out_packed, hidden = module(packed, hx); output, _ = "
            "pad_packed_sequence(out_packed, batch_first=config.batch_first, total_length=total_length)")


def rnn_forward(case, module, x, h0, c0):
    """Run the module as the case says; returns (output, h_n, c_n or None)."""
    is_lstm = case["module"] == "LSTM"
    hx = None
    if h0 is not None:
        hx = (h0, c0) if is_lstm else h0
    batch_first = case["config"]["batch_first"]
    lengths = case["lengths"]
    if lengths is None:
        output, hidden = module(x, hx)
    else:
        packed = pack_padded_sequence(x, lengths, batch_first=batch_first,
                                      enforce_sorted=case["enforce_sorted"])
        out_packed, hidden = module(packed, hx)
        total = x.shape[1] if batch_first else x.shape[0]
        output, _ = pad_packed_sequence(out_packed, batch_first=batch_first, total_length=total)
    if is_lstm:
        return output, hidden[0], hidden[1]
    return output, hidden, None


def rnn_loss(output, h_n, c_n, r1, r2, r3):
    loss = (output * r1).sum() + (h_n * r2).sum()
    if c_n is not None:
        loss = loss + (c_n * r3).sum()
    return loss


def build_rnn(case):
    name = case["module"]
    is_lstm = name == "LSTM"
    config = case["config"]
    torch.manual_seed(case["seed"])
    module = getattr(torch.nn, name)(**config)

    x = torch.randn(case["input_shape"])
    d = 2 if config["bidirectional"] else 1
    h_out = config.get("proj_size", 0) or config["hidden_size"]
    batch = [] if len(case["input_shape"]) == 2 else [case["input_shape"][0 if config["batch_first"] else 1]]
    h_shape = [config["num_layers"] * d] + batch + [h_out]
    c_shape = [config["num_layers"] * d] + batch + [config["hidden_size"]]
    h0 = c0 = None
    if case["h0"] == "randn":
        h0 = torch.randn(h_shape)
        c0 = torch.randn(c_shape) if is_lstm else None
    elif case["h0"] == "zeros":
        h0 = torch.zeros(h_shape)
        c0 = torch.zeros(c_shape) if is_lstm else None

    # R1..R3 are drawn after the inputs, shaped like the results.
    with torch.no_grad():
        out_shape, hn_shape, cn_shape = [
            None if r is None else r.shape for r in rnn_forward(case, module, x, h0, c0)]
    r1 = torch.randn(out_shape)
    r2 = torch.randn(hn_shape)
    r3 = torch.randn(cn_shape) if is_lstm else None

    def run(mod, dtype):
        xi = leaf(x, dtype)
        hi = None if h0 is None else leaf(h0, dtype)
        ci = None if c0 is None else leaf(c0, dtype)
        output, h_n, c_n = rnn_forward(case, mod, xi, hi, ci)
        loss = rnn_loss(output, h_n, c_n, r1.to(dtype), r2.to(dtype), None if r3 is None else r3.to(dtype))
        loss.backward()
        outs = {"output": output, "h_n": h_n}
        if is_lstm:
            outs["c_n"] = c_n
        grads = {"input": xi.grad}
        if hi is not None:
            grads["h0"] = hi.grad
            if is_lstm:
                grads["c0"] = ci.grad
        for pname, p in mod.named_parameters():
            grads[pname] = p.grad
        return outs, loss, grads

    params = {k: tensor_obj(v) for k, v in module.state_dict().items()}
    module64 = copy.deepcopy(module).double()
    outs, loss, grads = run(module, torch.float32)
    outs64, _, grads64 = run(module64, torch.float64)

    if case["lengths"] is not None:
        # Padded steps must not matter: their input gradient is exactly zero.
        g = grads["input"] if not config["batch_first"] else grads["input"].transpose(0, 1)
        for b, n in enumerate(case["lengths"]):
            assert (g[n:, b] == 0).all(), "padded input step got a gradient"

    inputs = {"input": tensor_obj(x), "h0": opt_tensor_obj(h0)}
    if is_lstm:
        inputs["c0"] = opt_tensor_obj(c0)
    packed = None
    if case["lengths"] is not None:
        packed = {"lengths": list(case["lengths"]), "enforce_sorted": case["enforce_sorted"],
                  "total_length": out_shape[1] if config["batch_first"] else out_shape[0],
                  "padding_value": 0.0, "how": PACK_HOW.format(sorted=case["enforce_sorted"])}
    formula = "L = sum(output * R1) + sum(h_n * R2)" + (" + sum(c_n * R3)" if is_lstm else "")
    loss_obj = {"formula": formula, "value": tensor_obj(loss), "R1": tensor_obj(r1), "R2": tensor_obj(r2)}
    if is_lstm:
        loss_obj["R3"] = tensor_obj(r3)
    f64 = {"outputs." + k: f64_diff(v, outs64[k]) for k, v in outs.items()}
    f64.update({"grads." + k: f64_diff(v, grads64[k]) for k, v in grads.items()})
    rng = RNG_RNN.format(module=name)
    if case["extra_detail"]:
        rng += "; here h0%s: %s" % ("/c0" if is_lstm else "", case["h0"] or "not passed")
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "rnn",
        "module": name, "seed": case["seed"], "rng": rng, "config": config, "params": params,
        "inputs": inputs, "packed": packed,
        "outputs": {k: tensor_obj(v) for k, v in outs.items()},
        "loss": loss_obj, "grads": {k: tensor_obj(v) for k, v in grads.items()},
        "f64_max_abs_diff": f64, "notes": case["notes"], "generator": generator_info(),
    }


# --------------------------------------------------------------------------
# kinds "module" (Linear, Embedding) and "function" (one_hot)
# --------------------------------------------------------------------------

def build_linear(case):
    config = case["config"]
    torch.manual_seed(case["seed"])
    module = torch.nn.Linear(**config)
    x = torch.randn(case["input_shape"])
    r1 = torch.randn(case["input_shape"][:-1] + [config["out_features"]])

    def run(mod, dtype):
        xi = leaf(x, dtype)
        out = mod(xi)
        loss = (out * r1.to(dtype)).sum()
        loss.backward()
        grads = {"input": xi.grad}
        grads.update({k: p.grad for k, p in mod.named_parameters()})
        return out, loss, grads

    params = {k: tensor_obj(v) for k, v in module.state_dict().items()}
    module64 = copy.deepcopy(module).double()
    out, loss, grads = run(module, torch.float32)
    out64, _, grads64 = run(module64, torch.float64)
    f64 = {"outputs.output": f64_diff(out, out64)}
    f64.update({"grads." + k: f64_diff(v, grads64[k]) for k, v in grads.items()})
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "module",
        "module": "Linear", "seed": case["seed"],
        "rng": "torch.manual_seed(seed); module = torch.nn.Linear(**config); then torch.randn: input, R1",
        "config": config, "params": params, "inputs": {"input": tensor_obj(x)},
        "outputs": {"output": tensor_obj(out)},
        "loss": {"formula": "L = sum(output * R1)", "value": tensor_obj(loss), "R1": tensor_obj(r1)},
        "grads": {k: tensor_obj(v) for k, v in grads.items()},
        "f64_max_abs_diff": f64, "notes": case["notes"], "generator": generator_info(),
    }


def build_embedding(case):
    config = case["config"]
    torch.manual_seed(case["seed"])
    module = torch.nn.Embedding(**config)
    rng = "torch.manual_seed(seed); module = torch.nn.Embedding(**config); "
    if case["randn_weight"]:
        # Replaces the whole weight, padding row included, so that row is non-zero.
        with torch.no_grad():
            module.weight.copy_(torch.randn(module.weight.shape))
        rng += "weight overwritten with torch.randn; "
    rng += "indices = torch.randint(0, num_embeddings, shape) then forced positions; then torch.randn: R1"
    if case["extra_detail"] and case["forced"]:
        rng += "; here forced (flat index -> value): " + forced_note(case["forced"])
    idx = apply_forced(torch.randint(0, config["num_embeddings"], case["input_shape"]), case["forced"])
    r1 = torch.randn(case["input_shape"] + [config["embedding_dim"]])
    params = {"weight": tensor_obj(module.weight)}
    out = module(idx)
    loss = (out * r1).sum()
    loss.backward()
    # No float64 rerun: the forward copies rows and the gradient only adds R1
    # rows, so there is no float32 rounding worth measuring (the files say {}).
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "module",
        "module": "Embedding", "seed": case["seed"], "rng": rng, "config": config, "params": params,
        "inputs": {"input": tensor_obj(idx)}, "outputs": {"output": tensor_obj(out)},
        "loss": {"formula": "L = sum(output * R1)", "value": tensor_obj(loss), "R1": tensor_obj(r1)},
        "grads": {"weight": tensor_obj(module.weight.grad)},
        "f64_max_abs_diff": {}, "notes": case["notes"], "generator": generator_info(),
    }


def build_one_hot(case):
    torch.manual_seed(case["seed"])
    tensor = apply_forced(torch.randint(0, case["max_index"] + 1, case["input_shape"]), case["forced"])
    out = torch.nn.functional.one_hot(tensor, num_classes=case["config"]["num_classes"])
    rng = "torch.manual_seed(seed); tensor = torch.randint(0, max_index+1, shape) then forced positions"
    if case["extra_detail"]:
        rng += "; here max_index = %d" % case["max_index"]
        if case["forced"]:
            rng += ", forced (flat index -> value): " + forced_note(case["forced"])
    notes = ("torch.nn.functional.one_hot(tensor, num_classes); output dtype int64, shape tensor.shape + "
             "[num_classes] (num_classes=-1 -> tensor.max()+1). " + case["notes"])
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "function",
        "module": "one_hot", "seed": case["seed"], "rng": rng, "config": case["config"], "params": {},
        "inputs": {"tensor": tensor_obj(tensor)}, "outputs": {"output": tensor_obj(out)},
        "loss": None, "grads": {}, "notes": notes, "generator": generator_info(),
    }


# --------------------------------------------------------------------------
# kind "loss": MSELoss, CrossEntropyLoss
# --------------------------------------------------------------------------

def build_mse(case):
    config = case["config"]
    torch.manual_seed(case["seed"])
    x = torch.randn(case["input_shape"])
    y = torch.randn(case["input_shape"])
    none = config["reduction"] == "none"
    r1 = torch.randn(case["input_shape"]) if none else None

    def run(dtype):
        xi = leaf(x, dtype)
        yi = leaf(y, dtype)
        out = torch.nn.MSELoss(**config)(xi, yi)
        loss = (out * r1.to(dtype)).sum() if none else out
        loss.backward()
        return out, loss, {"input": xi.grad, "target": yi.grad}

    out, loss, grads = run(torch.float32)
    out64, _, grads64 = run(torch.float64)
    loss_obj = {"formula": "L = sum(output * R1)" if none else "L = output", "value": tensor_obj(loss)}
    if none:
        loss_obj["R1"] = tensor_obj(r1)
    f64 = {"outputs.output": f64_diff(out, out64)}
    f64.update({"grads." + k: f64_diff(v, grads64[k]) for k, v in grads.items()})
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "loss",
        "module": "MSELoss", "seed": case["seed"],
        "rng": "torch.manual_seed(seed); torch.randn: input, target" + (", R1" if none else ""),
        "config": config, "params": {},
        "inputs": {"input": tensor_obj(x), "target": tensor_obj(y)},
        "outputs": {"output": tensor_obj(out)}, "loss": loss_obj,
        "grads": {k: tensor_obj(v) for k, v in grads.items()}, "f64_max_abs_diff": f64,
        "notes": "called as torch.nn.MSELoss(**config)(input, target); target also requires grad. " + case["notes"],
        "generator": generator_info(),
    }


def build_cross_entropy(case):
    config = case["config"]
    shape = case["input_shape"]
    classes = shape[0] if len(shape) == 1 else shape[1]
    target_shape = [] if len(shape) == 1 else [shape[0]] + shape[2:]
    torch.manual_seed(case["seed"])
    x = torch.randn(shape) * case["scale"]
    target = apply_forced(torch.randint(0, classes, target_shape), case["forced"])
    none = config["reduction"] == "none"
    rng = ("torch.manual_seed(seed); input = torch.randn(shape)*scale; target = torch.randint(0, C, shape) "
           "then ignore_index forced at listed positions")
    r1 = None
    if none:
        r1 = torch.randn(target_shape)
        rng += "; R1 = torch.randn"
    if case["extra_detail"]:
        rng += "; here scale = %g" % case["scale"]
        if case["forced"]:
            rng += ", forced (flat index -> value): " + forced_note(case["forced"])

    def run(dtype):
        xi = leaf(x, dtype)
        out = torch.nn.CrossEntropyLoss(**config)(xi, target)
        loss = (out * r1.to(dtype)).sum() if none else out
        loss.backward()
        return out, loss, xi.grad

    out, loss, grad = run(torch.float32)
    out64, _, grad64 = run(torch.float64)
    loss_obj = {"formula": "L = sum(output * R1)" if none else "L = output", "value": tensor_obj(loss)}
    if none:
        loss_obj["R1"] = tensor_obj(r1)
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "loss",
        "module": "CrossEntropyLoss", "seed": case["seed"], "rng": rng, "config": config, "params": {},
        "inputs": {"input": tensor_obj(x), "target": tensor_obj(target)},
        "outputs": {"output": tensor_obj(out)}, "loss": loss_obj, "grads": {"input": tensor_obj(grad)},
        "f64_max_abs_diff": {"outputs.output": f64_diff(out, out64), "grads.input": f64_diff(grad, grad64)},
        "notes": ("called as torch.nn.CrossEntropyLoss(**config)(input, target) with class-index targets "
                  "(int64). " + case["notes"]),
        "generator": generator_info(),
    }


# --------------------------------------------------------------------------
# kind "optimizer": SGD, Adam, AdamW, RMSprop
# --------------------------------------------------------------------------

# Every hyper-parameter with PyTorch 1.13's default, in the order the files list them.
OPTIMIZER_DEFAULTS = {
    "SGD": {"lr": None, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False, "maximize": False},
    "Adam": {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
             "maximize": False},
    "AdamW": {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.01, "amsgrad": False,
              "maximize": False},
    "RMSprop": {"lr": 0.01, "alpha": 0.99, "eps": 1e-08, "weight_decay": 0, "momentum": 0, "centered": False,
                "maximize": False},
}
OPTIMIZER_SHAPES = {"weight": [3, 4], "bias": [3]}
GRAD_SCALES = [1.0, 0.3, 2.0, 0.05, 0.7]  # varied so that amsgrad's running max matters


def state_value(v):
    if torch.is_tensor(v):
        return v.item() if v.dim() == 0 else tensor_obj(v)
    return v  # an int step count (RMSprop) or None (SGD without momentum)


def build_optimizer(case):
    name = case["module"]
    torch.manual_seed(case["seed"])
    params = {k: torch.randn(s) for k, s in OPTIMIZER_SHAPES.items()}
    grads = [{k: torch.randn(s) * scale for k, s in OPTIMIZER_SHAPES.items()} for scale in GRAD_SCALES]
    leaves = {k: v.clone().requires_grad_() for k, v in params.items()}
    config = dict(case["config"])
    groups = config.pop("param_groups", None)
    if groups:
        # Per-group overrides; a group's "params" lists parameter names (in the group's order).
        arg = [dict({k: v for k, v in g.items() if k != "params"}, params=[leaves[n] for n in g["params"]]) for g in groups]
    else:
        arg = list(leaves.values())
    opt = getattr(torch.optim, name)(arg, **config)
    after = []
    for step in grads:
        for k, p in leaves.items():
            p.grad = step[k].clone()
        opt.step()
        after.append({k: tensor_obj(p) for k, p in leaves.items()})
    state = {k: {sk: state_value(sv) for sk, sv in opt.state[p].items()} for k, p in leaves.items()}
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "optimizer",
        "module": name, "seed": case["seed"],
        "rng": ("torch.manual_seed(seed); torch.randn: each param (in 'shapes' order), then for each step "
                "each param's grad = torch.randn(shape) * grad_scales[step]"),
        "config": case["config"], "params": {k: tensor_obj(v) for k, v in params.items()},
        "inputs": {"grad_scales": list(GRAD_SCALES), "grads": [{k: tensor_obj(v) for k, v in g.items()} for g in grads]},
        "outputs": {"params_after_step": after}, "state_after_last_step": state,
        "loss": None, "grads": {},
        "notes": ("opt = torch.optim.%s(params_in_dict_order, **config) (single-tensor path: foreach=None on CPU). "
                  "For each step k: p.grad = grads[k][name]; opt.step(); record params. " % name) +
                 ("config.param_groups: torch.optim.%s([{**overrides, 'params': [params by name]} per group], "
                  "**rest of config). " % name if groups else "") + case["notes"],
        "generator": generator_info(),
    }


# --------------------------------------------------------------------------
# kind "clip": clip_grad_norm_, clip_grad_value_
# --------------------------------------------------------------------------

def build_clip(case):
    name = case["module"]
    torch.manual_seed(case["seed"])
    rng = "torch.manual_seed(seed); each gradient = torch.randn(shape) * scale, in 'grads' order"
    if case["scale"] == 0:
        # randn * 0 would give -0.0 for negative draws; plain zeros are clearer.
        grads = {k: torch.zeros(s) for k, s in case["shapes"].items()}
        rng = "torch.manual_seed(seed); every gradient = torch.zeros(shape) (scale 0: nothing drawn)"
    else:
        grads = {k: torch.randn(s) * case["scale"] for k, s in case["shapes"].items()}
        if case["extra_detail"]:
            rng += "; here scale = %g" % case["scale"]
    leaves = {k: torch.zeros(g.shape, requires_grad=True) for k, g in grads.items()}
    for k, p in leaves.items():
        p.grad = grads[k].clone()
    arg = list(leaves.values())
    if case["single_tensor"]:
        arg = arg[0]
    outputs = {}
    if name == "clip_grad_norm_":
        total = torch.nn.utils.clip_grad_norm_(arg, **case["config"])
        if case["clips"] is not None:
            assert (total.item() > case["config"]["max_norm"]) == case["clips"], (
                "%s: total norm %g vs max_norm %g, the case expects clips=%s (pick another seed)"
                % (case["name"], total.item(), case["config"]["max_norm"], case["clips"]))
        outputs["total_norm"] = tensor_obj(total)
        notes = ("torch.nn.utils.clip_grad_norm_(parameters, **config) where each parameter's .grad is "
                 "inputs.grads[name] (a single tensor, not a list, when inputs.single_tensor). Returns "
                 "total_norm (norm of all grads as one vector, before clipping); grads are multiplied in "
                 "place by min(1, max_norm / (total_norm + 1e-6)). ")
    else:
        torch.nn.utils.clip_grad_value_(arg, **case["config"])
        notes = "torch.nn.utils.clip_grad_value_(parameters, **config): grad.clamp_(-clip_value, clip_value). "
    outputs["grads"] = {k: tensor_obj(p.grad) for k, p in leaves.items()}
    # Key order as in the original files (module/config/outputs come late).
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "clip",
        "seed": case["seed"], "rng": rng, "params": {},
        "inputs": {"grads": {k: tensor_obj(v) for k, v in grads.items()}, "single_tensor": case["single_tensor"]},
        "loss": None, "grads": {}, "generator": generator_info(),
        "module": name, "config": case["config"], "outputs": outputs, "notes": notes + case["notes"],
    }


# --------------------------------------------------------------------------
# kind "op": tensor methods (gather, scatter_add, topk, argmax/argmin, where,
# clamp, cumsum) and kind "repr": Tensor.__repr__ strings. Set "ops", written
# to tests/Recur.Tests/Golden/ops/.
# --------------------------------------------------------------------------

def op_call(case, t, dtype):
    """Run the case's op on the inputs t (a dict of tensors, float ones as leaves of dtype).

    Returns (outputs dict, the tensor the loss weights or None)."""
    m, cfg = case["module"], case["config"]
    x = t["input"]
    if m == "gather":
        out = torch.gather(x, cfg["dim"], t["index"])
        return {"output": out}, out
    if m == "scatter_add":
        out = torch.scatter_add(x, cfg["dim"], t["index"], t["src"])
        return {"output": out}, out
    if m == "topk":
        values, indices = torch.topk(x, cfg["k"], dim=cfg["dim"], largest=cfg["largest"], sorted=cfg["sorted"])
        return {"values": values, "indices": indices}, values
    if m in ("argmax", "argmin"):
        f = torch.argmax if m == "argmax" else torch.argmin
        out = f(x) if cfg["dim"] is None else f(x, dim=cfg["dim"], keepdim=cfg["keepdim"])
        return {"output": out}, None
    if m == "where":
        out = torch.where(t["condition"].bool(), x, t["other"])
        return {"output": out}, out
    if m == "clamp":
        out = torch.clamp(x, min=cfg["min"], max=cfg["max"])
        return {"output": out}, out
    if m == "cumsum":
        out = torch.cumsum(x, dim=cfg["dim"])
        return {"output": out}, out
    raise ValueError(m)


def build_op(case):
    torch.manual_seed(case["seed"])
    inputs = {}
    for name, spec in case["inputs"]:
        kind, shape = spec[0], spec[1]
        if kind == "randn":
            v = torch.randn(shape) * (spec[2] if len(spec) > 2 else 1.0)
        elif kind == "randint":
            v = torch.randint(0, spec[2], shape)
        elif kind == "mask":
            v = (torch.rand(shape) < 0.5).float()
        else:
            raise ValueError(kind)
        inputs[name] = v
    # Hand-placed values (flat index -> value), e.g. elements exactly at a clamp bound.
    for name, forced in case["forced"].items():
        flat = inputs[name].reshape(-1)
        for i, value in forced.items():
            flat[i] = value
    float_names = [k for k, v in inputs.items() if v.is_floating_point() and k != "condition"]
    outs, weighted = op_call(case, inputs, torch.float32)
    r1 = None if weighted is None else torch.randn(weighted.shape)

    def run(dtype):
        leaves = {k: (leaf(v, dtype) if k in float_names else v) for k, v in inputs.items()}
        o, w = op_call(case, leaves, dtype)
        if w is None:
            return o, None, {}
        loss = (w * r1.to(dtype)).sum()
        loss.backward()
        return o, loss, {k: leaves[k].grad for k in float_names}

    outs, loss, grads = run(torch.float32)
    rng = "torch.manual_seed(seed); then in order: " + ", ".join(
        "%s = %s" % (n, {"randn": "torch.randn(shape)" + (" * %g" % s[2] if len(s) > 2 else ""),
                          "randint": "torch.randint(0, %s, shape)" % (s[2] if s[0] == "randint" else ""),
                          "mask": "(torch.rand(shape) < 0.5).float()"}[s[0]])
        for n, s in case["inputs"])
    if case["forced"]:
        rng += "; then forced (flat index -> value): " + "; ".join(
            "%s: %s" % (n, ", ".join("%d -> %g" % kv for kv in sorted(f.items()))) for n, f in case["forced"].items())
    if r1 is not None:
        rng += "; then R1 = torch.randn(weighted output shape)"
    f64 = {}
    if loss is not None:
        outs64, _, grads64 = run(torch.float64)
        f64 = {"outputs." + k: f64_diff(v, outs64[k]) for k, v in outs.items() if v.is_floating_point()}
        f64.update({"grads." + k: f64_diff(v, grads64[k]) for k, v in grads.items()})
    weighted_name = "values" if case["module"] == "topk" else "output"
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "op",
        "module": case["module"], "seed": case["seed"], "rng": rng, "config": case["config"], "params": {},
        "inputs": {k: tensor_obj(v) for k, v in inputs.items()},
        "outputs": {k: tensor_obj(v) for k, v in outs.items()},
        "loss": None if loss is None else {"formula": "L = sum(%s * R1)" % weighted_name, "value": tensor_obj(loss),
                                           "R1": tensor_obj(r1)},
        "grads": {k: tensor_obj(v) for k, v in grads.items()},
        "f64_max_abs_diff": f64, "notes": OP_NOTES[case["module"]] + case["notes"], "generator": generator_info(),
    }


OP_NOTES = {
    "gather": "out = torch.gather(input, config.dim, index). ",
    "scatter_add": "out = torch.scatter_add(input, config.dim, index, src); grads for input and src. ",
    "topk": "values, indices = torch.topk(input, k, dim, largest, sorted); no ties in the input. ",
    "argmax": "torch.argmax(input) when config.dim is null, else torch.argmax(input, dim, keepdim); int64, no grad. ",
    "argmin": "torch.argmin(input) when config.dim is null, else torch.argmin(input, dim, keepdim); int64, no grad. ",
    "where": ("torch.where(condition.bool(), input, other); condition is stored as a float32 mask of 1s and 0s "
              "(Recur has no bool tensor), broadcast with the others. "),
    "clamp": "torch.clamp(input, min, max) with Python-number bounds (null = not given); grad passes at the bounds. ",
    "cumsum": "torch.cumsum(input, dim). ",
}


def build_repr(case):
    """Tensor.__repr__ of a list of tensors: each item is the tensor, whether it requires grad, and an
    identity op that gives it a grad_fn (x + 0 -> AddBackward0, x * 1 -> MulBackward0)."""
    torch.manual_seed(case["seed"])
    items = []
    for label, make, grad in case["tensors"]:
        t = make()
        shown = t
        if grad is not None:
            t = t.detach().clone().requires_grad_()
            shown = t if grad == "leaf" else (t + 0 if grad == "add_zero" else t * 1)
        items.append({"label": label, "tensor": tensor_obj(t), "grad": grad, "repr": repr(shown)})
    return {
        "format_version": FORMAT_VERSION, "name": case["name"], "set": case["set"], "kind": "repr",
        "module": "Tensor.__repr__", "seed": case["seed"],
        "rng": "torch.manual_seed(seed); then each item's tensor in order (see labels)",
        "config": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80}, "params": {},
        "inputs": {}, "outputs": {"items": items}, "loss": None, "grads": {},
        "notes": ("repr(t) with torch's default print options. grad: null = plain tensor, \"leaf\" = "
                  "requires_grad leaf, \"add_zero\" = repr(t + 0) (grad_fn=<AddBackward0>), \"mul_one\" = repr(t * 1) "
                  "(grad_fn=<MulBackward0>). " + case["notes"]),
        "generator": generator_info(),
    }


# --------------------------------------------------------------------------
# Case table helpers: each returns one case definition (a plain dict).
# --------------------------------------------------------------------------

def rnn(name, module, seed, input_size, hidden, layers=1, *, T, N=None, bidir=False, batch_first=False,
        bias=True, proj=0, relu=False, h0=None, lengths=None, enforce_sorted=False, notes=""):
    """N=None: unbatched [T, input_size]. h0: None (not passed), "randn" or "zeros"."""
    config = {"input_size": input_size, "hidden_size": hidden, "num_layers": layers, "bias": bias,
              "batch_first": batch_first, "dropout": 0.0, "bidirectional": bidir}
    if module == "LSTM":
        config["proj_size"] = proj
    if module == "RNN":
        config["nonlinearity"] = "relu" if relu else "tanh"
    if N is None:
        shape = [T, input_size]
    else:
        shape = [N, T, input_size] if batch_first else [T, N, input_size]
    return {"build": build_rnn, "name": name, "module": module, "seed": seed, "config": config,
            "input_shape": shape, "h0": h0, "lengths": lengths, "enforce_sorted": enforce_sorted,
            "notes": notes}


def linear(name, seed, in_features, out_features, lead, bias=True, notes=""):
    return {"build": build_linear, "name": name, "seed": seed, "notes": notes,
            "config": {"in_features": in_features, "out_features": out_features, "bias": bias},
            "input_shape": list(lead) + [in_features]}


def embedding(name, seed, num, dim, shape, padding_idx=None, forced=None, randn_weight=False, notes=""):
    config = {"num_embeddings": num, "embedding_dim": dim, "padding_idx": padding_idx, "max_norm": None,
              "norm_type": 2.0, "scale_grad_by_freq": False, "sparse": False}
    return {"build": build_embedding, "name": name, "seed": seed, "config": config, "input_shape": list(shape),
            "forced": forced or {}, "randn_weight": randn_weight, "notes": notes}


def one_hot(name, seed, shape, num_classes, max_index, forced=None, notes=""):
    return {"build": build_one_hot, "name": name, "seed": seed, "config": {"num_classes": num_classes},
            "input_shape": list(shape), "max_index": max_index, "forced": forced or {}, "notes": notes}


def mse(name, seed, reduction, shape, notes=""):
    return {"build": build_mse, "name": name, "seed": seed, "config": {"reduction": reduction},
            "input_shape": list(shape), "notes": notes}


def cross_entropy(name, seed, shape, reduction="mean", ignore_index=-100, label_smoothing=0.0, scale=1.0,
                  forced=None, notes=""):
    """shape: the logits' shape ([N, C], [N, C, d1, ...] or [C]); forced: {flat target index: value}."""
    config = {"weight": None, "ignore_index": ignore_index, "reduction": reduction,
              "label_smoothing": label_smoothing}
    return {"build": build_cross_entropy, "name": name, "seed": seed, "config": config,
            "input_shape": list(shape), "scale": scale, "forced": forced or {}, "notes": notes}


def optimizer(name, module, seed, notes="", **hyper):
    config = dict(OPTIMIZER_DEFAULTS[module])
    config.update(hyper)
    return {"build": build_optimizer, "name": name, "module": module, "seed": seed, "config": config,
            "notes": notes}


GRAD_SHAPES = {"g0": [4, 3], "g1": [5], "g2": [2, 2, 3]}


def clip_norm(name, seed, max_norm, norm_type=2.0, scale=1.0, shapes=None, single_tensor=False,
              clips=None, notes=""):
    """clips: True/False asserts whether total_norm > max_norm (the case's point), None: no check."""
    config = {"max_norm": max_norm, "norm_type": norm_type, "error_if_nonfinite": False}
    return {"build": build_clip, "name": name, "module": "clip_grad_norm_", "seed": seed, "config": config,
            "scale": scale, "shapes": shapes or GRAD_SHAPES, "single_tensor": single_tensor, "clips": clips,
            "notes": notes}


def clip_value(name, seed, clip_value, scale=1.0, shapes=None, single_tensor=False, notes=""):
    return {"build": build_clip, "name": name, "module": "clip_grad_value_", "seed": seed,
            "config": {"clip_value": clip_value}, "scale": scale, "shapes": shapes or GRAD_SHAPES,
            "single_tensor": single_tensor, "clips": None, "notes": notes}


def op(name, module, seed, config, inputs, forced=None, notes=""):
    """inputs: [(name, (kind, shape[, scale or high]))] drawn in order; kind randn / randint / mask."""
    return {"build": build_op, "name": name, "module": module, "seed": seed, "config": config,
            "inputs": inputs, "forced": forced or {}, "notes": notes}


def reprs(name, seed, tensors, notes=""):
    return {"build": build_repr, "name": name, "seed": seed, "tensors": tensors, "notes": notes}


# clip_grad_norm_ takes norm_type as a float or the string "inf" (the files
# record the string too, since JSON has no infinity).
INF = "inf"


# --------------------------------------------------------------------------
# The public cases (tests/Recur.Tests/Golden/*.json). Seeds are 1000 + 7*i in
# the order the original generator listed them; the scales and forced
# positions were read back from the files (their `rng` prose names them but
# does not give the numbers).
# --------------------------------------------------------------------------

PUBLIC_CASES = [
    rnn("rnn_seed_shapes", "RNN", 1000, 100, 20, T=10, N=3, h0="zeros",
        notes="seed: rnn = RNN(input_size=100, hidden_size=20, num_layers=1); out, h = rnn(torch.randn(10,3,100), "
              "torch.zeros(1,3,20))"),
    rnn("rnn_seed_shapes_2layer", "RNN", 1007, 100, 20, 2, T=10, N=3, h0="zeros",
        notes="seed's 2-layer variant: h_n is [2, batch, 20]"),
    rnn("rnn_tanh_basic", "RNN", 1014, 5, 7, T=6, N=4),
    rnn("rnn_relu_2layer_bidir_h0", "RNN", 1021, 4, 6, 2, T=5, N=3, bidir=True, relu=True, h0="randn"),
    rnn("rnn_tanh_3layer_batchfirst_nobias_h0", "RNN", 1028, 3, 5, 3, T=4, N=2, batch_first=True, bias=False,
        h0="randn"),
    rnn("rnn_relu_unbatched_2layer_h0", "RNN", 1035, 4, 5, 2, T=6, relu=True, h0="randn"),
    rnn("rnn_tanh_bidir_batchfirst_seq1", "RNN", 1042, 6, 4, T=1, N=3, bidir=True, batch_first=True),
    rnn("rnn_relu_3layer_batch1", "RNN", 1049, 3, 4, 3, T=7, N=1, relu=True),
    rnn("rnn_tanh_unbatched_bidir_batchfirst", "RNN", 1056, 3, 4, 2, T=5, bidir=True, batch_first=True,
        notes="unbatched input ignores batch_first: input is [T, input_size]"),
    rnn("lstm_basic", "LSTM", 1063, 5, 6, T=6, N=3),
    rnn("lstm_2layer_batchfirst_h0", "LSTM", 1070, 4, 5, 2, T=5, N=2, batch_first=True, h0="randn"),
    rnn("lstm_2layer_bidir_h0", "LSTM", 1077, 3, 4, 2, T=6, N=3, bidir=True, h0="randn"),
    rnn("lstm_3layer_nobias", "LSTM", 1084, 4, 3, 3, T=5, N=2, bias=False),
    rnn("lstm_proj_1layer", "LSTM", 1091, 5, 8, T=6, N=2, proj=3),
    rnn("lstm_proj_2layer_bidir_batchfirst_h0", "LSTM", 1098, 4, 6, 2, T=5, N=3, bidir=True, batch_first=True,
        proj=4, h0="randn"),
    rnn("lstm_unbatched_h0", "LSTM", 1105, 3, 5, T=7, h0="randn"),
    rnn("lstm_2layer_seq1_batch1_h0", "LSTM", 1112, 4, 5, 2, T=1, N=1, h0="randn"),
    rnn("lstm_proj_unbatched_bidir_nobias_h0", "LSTM", 1119, 3, 5, 2, T=4, bidir=True, bias=False, proj=2,
        h0="randn"),
    rnn("lstm_3layer_bidir_batchfirst", "LSTM", 1126, 3, 4, 3, T=4, N=2, bidir=True, batch_first=True),
    rnn("gru_basic", "GRU", 1133, 5, 6, T=6, N=3),
    rnn("gru_2layer_bidir_batchfirst_h0", "GRU", 1140, 4, 5, 2, T=5, N=2, bidir=True, batch_first=True,
        h0="randn"),
    rnn("gru_3layer_nobias_h0", "GRU", 1147, 3, 4, 3, T=5, N=2, bias=False, h0="randn"),
    rnn("gru_unbatched_2layer", "GRU", 1154, 4, 6, 2, T=5),
    rnn("gru_bidir_seq1_batch1_h0", "GRU", 1161, 3, 5, T=1, N=1, bidir=True, h0="randn"),
    rnn("lstm_packed_basic", "LSTM", 1168, 4, 5, T=6, N=4, lengths=[4, 6, 2, 5]),
    rnn("lstm_packed_2layer_bidir_batchfirst_h0", "LSTM", 1175, 3, 4, 2, T=5, N=3, bidir=True, batch_first=True,
        h0="randn", lengths=[2, 5, 3]),
    rnn("lstm_packed_proj_bidir", "LSTM", 1182, 3, 6, T=5, N=3, bidir=True, proj=3, lengths=[5, 1, 3]),
    rnn("lstm_packed_all_shorter_than_T", "LSTM", 1189, 3, 4, T=6, N=3, lengths=[3, 4, 2],
        notes="max(lengths) < T: total_length=T pads output back to T with zeros"),
    rnn("gru_packed_basic", "GRU", 1196, 4, 5, T=6, N=4, lengths=[3, 6, 6, 1]),
    rnn("gru_packed_2layer_bidir_batchfirst_h0", "GRU", 1203, 3, 4, 2, T=5, N=3, bidir=True, batch_first=True,
        h0="randn", lengths=[4, 2, 5]),
    linear("linear_2d", 1210, 5, 3, [4]),
    linear("linear_3d_nobias", 1217, 4, 6, [2, 3], bias=False),
    linear("linear_1d", 1224, 6, 2, []),
    embedding("embedding_padding_idx0", 1231, 10, 4, [3, 5], padding_idx=0, forced={0: 0, 3: 5, 7: 0, 12: 5},
              notes="padding_idx rows get zero gradient; repeated indices accumulate"),
    embedding("embedding_no_padding_1d", 1238, 7, 3, [6], forced={1: 6}),
    embedding("embedding_padding_row_nonzero", 1245, 8, 5, [2, 4], padding_idx=3, forced={2: 3, 5: 3},
              randn_weight=True,
              notes="padding row is non-zero: forward still returns it as-is; only its gradient is forced to zero"),
    one_hot("one_hot_explicit_classes", 1252, [5], 6, max_index=4),
    one_hot("one_hot_inferred_classes_2d", 1259, [3, 4], -1, max_index=4, forced={5: 4}),
    mse("mse_mean", 1266, "mean", [4, 3]),
    mse("mse_sum", 1273, "sum", [2, 3, 4]),
    mse("mse_none", 1280, "none", [5]),
    cross_entropy("ce_mean", 1287, [6, 5], scale=2.0),
    cross_entropy("ce_mean_label_smoothing", 1294, [6, 5], label_smoothing=0.1, scale=2.0),
    cross_entropy("ce_ignore_index_default", 1301, [8, 4], forced={1: -100, 5: -100, 6: -100}),
    cross_entropy("ce_ignore_index_label_smoothing", 1308, [8, 4], ignore_index=2, label_smoothing=0.1,
                  forced={0: 2, 3: 2},
                  notes="ignore_index is a valid class id (2): every target == 2 is ignored"),
    cross_entropy("ce_sum_label_smoothing_ignore", 1315, [5, 3], reduction="sum", label_smoothing=0.1,
                  forced={2: -100}),
    cross_entropy("ce_kdim_label_smoothing", 1322, [3, 4, 5], label_smoothing=0.1, forced={4: -100},
                  notes="input [N, C, d1], target [N, d1]"),
    cross_entropy("ce_none_ignore", 1329, [5, 4], reduction="none", forced={3: -100}),
    cross_entropy("ce_unbatched", 1336, [7], notes="input [C], target is a 0-d int64 tensor"),
    optimizer("sgd_plain", "SGD", 1343, lr=0.1),
    optimizer("sgd_momentum", "SGD", 1350, lr=0.05, momentum=0.9),
    optimizer("sgd_nesterov_weight_decay", "SGD", 1357, lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True),
    optimizer("sgd_momentum_dampening_weight_decay", "SGD", 1364, lr=0.1, momentum=0.9, dampening=0.5,
              weight_decay=0.001),
    optimizer("adam_default", "Adam", 1371),
    optimizer("adam_lr001", "Adam", 1378, lr=0.01),
    optimizer("adam_lr001_weight_decay", "Adam", 1385, lr=0.01, weight_decay=0.1),
    optimizer("adam_lr001_amsgrad", "Adam", 1392, lr=0.01, amsgrad=True),
    optimizer("adamw_default", "AdamW", 1399),
    optimizer("adamw_lr001_wd01_amsgrad", "AdamW", 1406, lr=0.01, weight_decay=0.1, amsgrad=True),
    optimizer("rmsprop_default", "RMSprop", 1413),
    optimizer("rmsprop_momentum_centered_weight_decay", "RMSprop", 1420, weight_decay=0.01, momentum=0.9,
              centered=True),
    clip_norm("clip_norm_l2_max10_noclip", 1427, 10.0, clips=False,
              notes="total norm < 10: grads unchanged (multiplied by 1.0)"),
    clip_norm("clip_norm_l2_max10_clips", 1434, 10.0, scale=6.0, clips=True),
    clip_norm("clip_norm_l2_max0.5", 1441, 0.5, clips=True),
    clip_norm("clip_norm_inf_max10_clips", 1448, 10.0, norm_type=INF, scale=8.0, clips=True),
    clip_norm("clip_norm_inf_max0.5", 1455, 0.5, norm_type=INF, clips=True),
    clip_norm("clip_norm_single_tensor_max10", 1462, 10.0, scale=2.0, shapes={"g0": [16, 16]}, single_tensor=True,
              notes="seed usage: clip_grad_norm_(p, 10) on one parameter"),
    clip_value("clip_value_0.1", 1469, 0.1),
    clip_value("clip_value_1.0", 1476, 1.0, scale=1.5),
    # Parameter groups: per-group options over the optimizer's defaults (issue 9); groups may list parameters
    # in another order than the dict, so PyTorch's state indices follow the groups.
    optimizer("adam_param_groups", "Adam", 1483, lr=0.01, weight_decay=0.1,
              param_groups=[{"params": ["weight"]}, {"params": ["bias"], "lr": 0.1, "weight_decay": 0.0}]),
    optimizer("adamw_param_groups_amsgrad_betas", "AdamW", 1490, lr=0.01,
              param_groups=[{"params": ["weight"], "amsgrad": True},
                            {"params": ["bias"], "betas": [0.8, 0.99], "weight_decay": 0.0}]),
    optimizer("sgd_param_groups", "SGD", 1497, lr=0.05, momentum=0.9,
              param_groups=[{"params": ["weight"], "momentum": 0.5, "nesterov": True},
                            {"params": ["bias"], "lr": 0.2, "dampening": 0.3}]),
    optimizer("rmsprop_param_groups_reordered", "RMSprop", 1504, lr=0.01,
              param_groups=[{"params": ["bias"], "centered": True, "momentum": 0.9},
                            {"params": ["weight"], "alpha": 0.9, "weight_decay": 0.01}]),
]


# --------------------------------------------------------------------------
# The extra cases (tests/Recur.Tests/Golden/extra/): other seeds and shapes,
# and the corners the public set leaves out. Seeds are 5000 + 7*i.
# --------------------------------------------------------------------------

EXTRA_CASES = [
    # Plain runs of every module with other seeds and shapes.
    rnn("x_rnn_tanh_2layer_h0", "RNN", 5000, 4, 6, 2, T=5, N=3, h0="randn"),
    rnn("x_rnn_relu_batchfirst_nobias", "RNN", 5007, 3, 5, T=6, N=2, batch_first=True, bias=False, relu=True),
    rnn("x_lstm_2layer_nobias_h0", "LSTM", 5014, 3, 5, 2, T=4, N=3, bias=False, h0="randn"),
    rnn("x_lstm_unbatched_bidir", "LSTM", 5021, 4, 3, T=5, bidir=True),
    rnn("x_gru_batchfirst_h0", "GRU", 5028, 5, 4, T=6, N=3, batch_first=True, h0="randn"),
    rnn("x_gru_unbatched_bidir_h0", "GRU", 5035, 3, 4, 2, T=4, bidir=True, h0="randn"),
    rnn("x_lstm_zero_h0_given", "LSTM", 5042, 3, 4, T=4, N=2, h0="zeros",
        notes="h0/c0 passed as zeros: same outputs as not passing them, but grads.h0/c0 are recorded"),
    # Bidirectional, 3 layers, for each module.
    rnn("x_rnn_tanh_3layer_bidir_h0", "RNN", 5049, 3, 4, 3, T=5, N=2, bidir=True, h0="randn"),
    rnn("x_rnn_relu_3layer_bidir_batchfirst", "RNN", 5056, 4, 3, 3, T=4, N=3, bidir=True, batch_first=True,
        relu=True),
    rnn("x_lstm_3layer_bidir_h0", "LSTM", 5063, 3, 4, 3, T=5, N=2, bidir=True, h0="randn"),
    rnn("x_gru_3layer_bidir_h0", "GRU", 5070, 3, 4, 3, T=5, N=2, bidir=True, h0="randn"),
    # LSTM with projections, 3 layers.
    rnn("x_lstm_proj_3layer", "LSTM", 5077, 4, 6, 3, T=5, N=2, proj=3),
    rnn("x_lstm_proj_3layer_bidir_batchfirst_h0", "LSTM", 5084, 3, 5, 3, T=4, N=2, bidir=True, batch_first=True,
        proj=2, h0="randn"),
    # Larger hidden sizes (odd 33 does not fit a SIMD width).
    rnn("x_lstm_hidden33", "LSTM", 5091, 7, 33, T=4, N=2),
    rnn("x_gru_hidden64", "GRU", 5098, 5, 64, T=3, N=2, h0="randn"),
    rnn("x_rnn_tanh_hidden64_2layer", "RNN", 5105, 8, 64, 2, T=3, N=2),
    # Batch 1, long sequences: errors that grow with T show up here.
    rnn("x_lstm_batch1_T40", "LSTM", 5112, 3, 8, T=40, N=1, h0="randn"),
    rnn("x_gru_batch1_T40", "GRU", 5119, 3, 8, T=40, N=1),
    rnn("x_rnn_tanh_batch1_T40_bidir", "RNN", 5126, 2, 6, T=40, N=1, bidir=True),
    # Packed sequences: RNN (tanh and relu), GRU, LSTM; unsorted and sorted.
    rnn("x_rnn_tanh_packed", "RNN", 5133, 3, 5, T=6, N=4, lengths=[5, 2, 6, 3]),
    rnn("x_rnn_relu_packed_2layer_bidir_h0", "RNN", 5140, 3, 4, 2, T=5, N=3, bidir=True, relu=True, h0="randn",
        lengths=[3, 5, 1]),
    rnn("x_gru_packed_bidir_h0", "GRU", 5147, 4, 5, T=6, N=3, bidir=True, h0="randn", lengths=[6, 2, 4]),
    rnn("x_lstm_packed_sorted", "LSTM", 5154, 3, 4, T=6, N=4, lengths=[6, 5, 3, 1], enforce_sorted=True,
        notes="enforce_sorted=True: lengths already in decreasing order, no internal permutation"),
    rnn("x_gru_packed_sorted_2layer_bidir_h0", "GRU", 5161, 3, 4, 2, T=5, N=3, bidir=True, h0="randn",
        lengths=[5, 4, 2], enforce_sorted=True),
    rnn("x_rnn_relu_packed_sorted_batchfirst", "RNN", 5168, 4, 5, T=5, N=3, batch_first=True, relu=True,
        lengths=[5, 3, 3], enforce_sorted=True, notes="equal lengths next to each other"),
    rnn("x_lstm_packed_batchfirst_h0", "LSTM", 5175, 3, 5, T=6, N=3, batch_first=True, h0="randn",
        lengths=[2, 6, 4], notes="packed, batch_first, unidirectional"),
    rnn("x_gru_packed_batchfirst", "GRU", 5182, 4, 3, T=5, N=4, batch_first=True, lengths=[1, 5, 3, 2],
        notes="packed, batch_first, unidirectional"),
    rnn("x_lstm_packed_all_full_length_bidir", "LSTM", 5189, 3, 4, T=5, N=3, bidir=True, lengths=[5, 5, 5],
        notes="every length equals T: must equal the unpacked run"),
    rnn("x_rnn_tanh_packed_all_full_length", "RNN", 5196, 3, 4, T=4, N=2, lengths=[4, 4]),
    rnn("x_lstm_packed_proj_2layer_batchfirst_h0", "LSTM", 5203, 4, 6, 2, T=5, N=3, batch_first=True, proj=3,
        h0="randn", lengths=[3, 1, 5]),
    # Linear and Embedding.
    linear("x_linear_4d", 5210, 5, 3, [2, 3, 2]),
    linear("x_linear_4d_nobias", 5217, 3, 4, [2, 1, 3], bias=False),
    embedding("x_embedding_repeated_padding", 5224, 6, 3, [4, 5], padding_idx=2,
              forced={0: 2, 1: 2, 4: 2, 6: 4, 7: 4, 8: 4, 9: 4, 13: 2, 19: 2},
              notes="the padding index 2 and index 4 are forced to repeat: repeated indices accumulate "
                    "gradient, the padding row's gradient stays 0"),
    embedding("x_embedding_padding_last_row_3d", 5231, 5, 4, [2, 2, 3], padding_idx=4, forced={3: 4, 10: 4},
              randn_weight=True),
    one_hot("x_one_hot_3d_explicit", 5238, [2, 2, 3], 7, max_index=6),
    one_hot("x_one_hot_0d", 5245, [], 4, max_index=3, notes="0-d input: output shape [num_classes]"),
    # Losses.
    mse("x_mse_mean_3d", 5252, "mean", [2, 2, 5]),
    mse("x_mse_none_2d", 5259, "none", [3, 4]),
    cross_entropy("x_ce_all_ignored_but_one", 5266, [6, 4], forced={0: -100, 1: -100, 2: -100, 4: -100, 5: -100},
                  notes="only target[3] counts: mean divides by 1"),
    cross_entropy("x_ce_all_ignored_but_one_label_smoothing", 5273, [5, 3], label_smoothing=0.2, ignore_index=0,
                  forced={0: 0, 1: 0, 2: 2, 3: 0, 4: 0},
                  notes="ignore_index=0 is a class id; only target[2] counts"),
    cross_entropy("x_ce_none_kdim", 5280, [2, 3, 2, 2], reduction="none", forced={5: -100},
                  notes="input [N, C, d1, d2], target [N, d1, d2], reduction none (one position ignored)"),
    cross_entropy("x_ce_sum_kdim_label_smoothing", 5287, [2, 4, 3], reduction="sum", label_smoothing=0.05,
                  scale=3.0, forced={2: -100}),
    cross_entropy("x_ce_unbatched_label_smoothing", 5294, [5], label_smoothing=0.3, scale=2.0),
    # Optimizers.
    optimizer("x_sgd_maximize", "SGD", 5301, lr=0.1, maximize=True),
    optimizer("x_sgd_momentum_maximize_weight_decay", "SGD", 5308, lr=0.05, momentum=0.9, weight_decay=0.01,
              maximize=True),
    optimizer("x_adam_maximize", "Adam", 5315, lr=0.01, maximize=True),
    optimizer("x_adam_maximize_amsgrad_weight_decay", "Adam", 5322, lr=0.01, weight_decay=0.1, amsgrad=True,
              maximize=True),
    optimizer("x_adamw_maximize", "AdamW", 5329, lr=0.01, maximize=True),
    optimizer("x_rmsprop_momentum_not_centered", "RMSprop", 5336, momentum=0.9),
    optimizer("x_rmsprop_centered_no_momentum", "RMSprop", 5343, centered=True),
    optimizer("x_rmsprop_maximize_weight_decay", "RMSprop", 5350, lr=0.02, weight_decay=0.1, maximize=True),
    # Clipping.
    clip_norm("x_clip_norm_l1_max1", 5357, 1.0, norm_type=1.0, clips=True),
    clip_norm("x_clip_norm_l1_max100_noclip", 5364, 100.0, norm_type=1.0, clips=False),
    clip_norm("x_clip_norm_p3_max0.5", 5371, 0.5, norm_type=3.0, clips=True),
    clip_norm("x_clip_norm_all_zero_grads", 5378, 1.0, scale=0.0, clips=False,
              notes="total norm exactly 0: coef = 1 / 1e-6 is clamped to 1, grads stay 0"),
    clip_norm("x_clip_norm_inf_single_tensor", 5385, 0.25, norm_type=INF, shapes={"g0": [3, 5]},
              single_tensor=True, clips=True),
    clip_value("x_clip_value_single_tensor", 5392, 0.5, shapes={"g0": [4, 4]}, single_tensor=True),
]

# --------------------------------------------------------------------------
# The ops cases (tests/Recur.Tests/Golden/ops/). Seeds 7000 + 7*i.
# --------------------------------------------------------------------------

R = lambda *shape: ("randn", list(shape))  # noqa: E731


def I(high, *shape):  # noqa: E743
    return ("randint", list(shape), high)


OPS_CASES = [
    op("op_gather_dim0", "gather", 7000, {"dim": 0}, [("input", R(3, 4)), ("index", I(3, 2, 4))]),
    op("op_gather_dim1_repeats", "gather", 7007, {"dim": 1}, [("input", R(3, 5)), ("index", I(5, 3, 7))],
       notes="index longer than input along dim, so positions repeat and their gradients add. "),
    op("op_gather_3d_neg_dim", "gather", 7014, {"dim": -2}, [("input", R(2, 3, 4)), ("index", I(3, 2, 5, 3))],
       notes="index smaller than input outside dim (last dim 3 of 4). "),
    op("op_scatter_add_dim0", "scatter_add", 7021, {"dim": 0},
       [("input", R(3, 5)), ("index", I(3, 4, 5)), ("src", R(4, 5))]),
    op("op_scatter_add_dim1_partial", "scatter_add", 7028, {"dim": 1},
       [("input", R(4, 6)), ("index", I(6, 3, 4)), ("src", R(3, 4))],
       notes="index covers only the first 3 rows of input. "),
    op("op_topk_largest_last_dim", "topk", 7035, {"k": 3, "dim": -1, "largest": True, "sorted": True},
       [("input", R(4, 6))]),
    op("op_topk_smallest_dim0", "topk", 7042, {"k": 2, "dim": 0, "largest": False, "sorted": True},
       [("input", R(5, 3))]),
    op("op_topk_3d_full", "topk", 7049, {"k": 4, "dim": 1, "largest": True, "sorted": True},
       [("input", R(2, 4, 3))], notes="k equals the dimension: a full sort. "),
    op("op_argmax_flat", "argmax", 7056, {"dim": None, "keepdim": False}, [("input", R(3, 4))]),
    op("op_argmax_dim1_keepdim", "argmax", 7063, {"dim": 1, "keepdim": True}, [("input", R(3, 5))]),
    op("op_argmin_dim0", "argmin", 7070, {"dim": 0, "keepdim": False}, [("input", R(4, 3))]),
    op("op_argmin_3d_neg_dim", "argmin", 7077, {"dim": -1, "keepdim": False}, [("input", R(2, 3, 4))]),
    op("op_where_broadcast", "where", 7084, {},
       [("condition", ("mask", [3, 1])), ("input", R(3, 4)), ("other", R(4))],
       notes="condition [3, 1], input [3, 4], other [4]: other's gradient sums over rows. "),
    op("op_where_same_shape", "where", 7091, {}, [("condition", ("mask", [2, 5])), ("input", R(2, 5)), ("other", R(2, 5))]),
    op("op_clamp_both_bounds", "clamp", 7098, {"min": -0.5, "max": 0.7}, [("input", R(4, 5))],
       forced={"input": {0: -0.5, 7: 0.7}}, notes="two elements sit exactly on a bound: their gradient passes. "),
    op("op_clamp_min_only", "clamp", 7105, {"min": 0.1, "max": None}, [("input", R(3, 4))],
       forced={"input": {5: 0.1}}),
    op("op_clamp_max_only", "clamp", 7112, {"min": None, "max": -0.2}, [("input", R(6))]),
    op("op_cumsum_dim0", "cumsum", 7119, {"dim": 0}, [("input", R(5, 3))]),
    op("op_cumsum_last_dim", "cumsum", 7126, {"dim": -1}, [("input", R(3, 7))]),
    op("op_cumsum_3d_dim1", "cumsum", 7133, {"dim": 1}, [("input", R(2, 4, 3))]),
    reprs("repr_tensors", 7140, [
        ("randn(2, 3)", lambda: torch.randn(2, 3), None),
        ("randn(5) * 1e-5 (scientific: below 1e-4)", lambda: torch.randn(5) * 1e-5, None),
        ("[1e9, 1.5] (scientific: above 1e8)", lambda: torch.tensor([1e9, 1.5]), None),
        ("[0.001, 20.] (scientific: range over 1000)", lambda: torch.tensor([0.001, 20.0]), None),
        ("whole numbers (integer mode)", lambda: torch.tensor([1.0, -2.0, 30.0]), None),
        ("whole numbers over 1e8 (integer mode, scientific)", lambda: torch.tensor([3e8, 1.0]), None),
        ("zeros(2)", lambda: torch.zeros(2), None),
        ("[-0., 1.5]", lambda: torch.tensor([-0.0, 1.5]), None),
        ("ties round to even ([0.03125, 0.28125])", lambda: torch.tensor([0.03125, 0.28125]), None),
        ("0-d 3.25", lambda: torch.tensor(3.25), None),
        ("0-d 2.", lambda: torch.tensor(2.0), None),
        ("empty [0]", lambda: torch.zeros(0), None),
        ("empty [2, 0]", lambda: torch.zeros(2, 0), None),
        ("randn(30) (wraps at 80 columns)", lambda: torch.randn(30), None),
        ("randn(2, 2, 3)", lambda: torch.randn(2, 2, 3), None),
        ("randn(4, 12) * 100", lambda: torch.randn(4, 12) * 100, None),
        ("randn(1001) (summarised)", lambda: torch.randn(1001), None),
        ("randn(40, 30) (summarised)", lambda: torch.randn(40, 30), None),
        ("randn(3, 400) (summarised, 3 rows kept)", lambda: torch.randn(3, 400), None),
        ("randn(8, 5, 30) (summarised 3-d)", lambda: torch.randn(8, 5, 30), None),
        ("arange(2000) as float (summarised, integer mode)", lambda: torch.arange(2000).float(), None),
        ("randn(2, 2) requires_grad leaf", lambda: torch.randn(2, 2), "leaf"),
        ("randn(3) + 0", lambda: torch.randn(3), "add_zero"),
        ("randn(9) * 1 (suffix wraps to a new line)", lambda: torch.randn(9), "mul_one"),
        ("randn(2, 9) * 1", lambda: torch.randn(2, 9), "mul_one"),
        ("int64 [1, 10, -3]", lambda: torch.tensor([1, 10, -3]), None),
        ("int64 randint(0, 100, (3, 4))", lambda: torch.randint(0, 100, (3, 4)), None),
        ("int64 arange(1500) (summarised)", lambda: torch.arange(1500), None),
        ("int64 0-d 7", lambda: torch.tensor(7), None),
        ("int64 empty", lambda: torch.zeros(0, dtype=torch.int64), None),
    ]),
]

SETS = {"public": PUBLIC_CASES, "extra": EXTRA_CASES, "ops": OPS_CASES}

# --check calls a tensor that is not bit-identical but this close "float32 noise".
NOISE = 1e-5


# --------------------------------------------------------------------------
# Writing, re-reading and checking
# --------------------------------------------------------------------------

def make_case(case, set_name, seed_offset):
    """The case with set/seed/name filled in for this run."""
    case = dict(case)
    case["set"] = "extra" if seed_offset else set_name
    # Extra (and re-seeded) files name their scale / forced positions in `rng`;
    # the public files' prose is kept exactly as it was.
    case["extra_detail"] = case["set"] != "public"
    if seed_offset:
        case["notes"] = ("seed-offset %d variant of %s. " % (seed_offset, case["name"]) + case["notes"]).strip()
        case["seed"] += seed_offset
        case["name"] = "%s_seed%d" % (case["name"], case["seed"])
    return case


def walk_tensors(obj, path=""):
    """Yield (path, tensor object) for every tensor in a parsed case."""
    if is_tensor_obj(obj):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk_tensors(v, path + "." + k if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk_tensors(v, "%s[%d]" % (path, i))


def validate(data, expected):
    """Assert a re-read case is well-formed and holds exactly the float32 values built."""
    assert data["format_version"] == FORMAT_VERSION and data["name"] == expected["name"]
    got = dict(walk_tensors(data))
    want = dict(walk_tensors(expected))
    assert got.keys() == want.keys(), "tensor paths differ after re-reading"
    for path, t in got.items():
        assert t["dtype"] in ("float32", "int64"), path
        assert len(t["data"]) == math.prod(t["shape"]), "%s: len(data) != prod(shape)" % path
        if t["dtype"] == "float32":
            a = np.array(t["data"], dtype=np.float64).astype(np.float32)
            b = np.array(want[path]["data"], dtype=np.float64).astype(np.float32)
            assert np.isfinite(a).all(), "%s: not finite" % path
            assert a.tobytes() == b.tobytes(), "%s: float32 bits changed on the way through JSON" % path
        else:
            assert all(isinstance(v, int) for v in t["data"]), path
            assert t["data"] == want[path]["data"], path


def compare_case(built, path):
    """Compare a rebuilt case with a file.

    Returns (tensor problems, worst abs diff, file byte-identical?, other field problems)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    data = json.loads(text)
    new = dict(walk_tensors(built))
    old = dict(walk_tensors(data))
    problems = []
    worst = 0.0
    for key in sorted(set(new) | set(old)):
        if key not in new or key not in old:
            problems.append("tensor %s only in the %s" % (key, "file" if key in old else "rebuild"))
            worst = math.inf
            continue
        a, b = new[key], old[key]
        if a["shape"] != b["shape"] or a["dtype"] != b["dtype"]:
            problems.append("%s: %s %s vs file %s %s" % (key, a["shape"], a["dtype"], b["shape"], b["dtype"]))
            worst = math.inf
            continue
        x = np.array(a["data"], dtype=np.float64).astype(np.float32)
        y = np.array(b["data"], dtype=np.float64).astype(np.float32)
        if x.tobytes() != y.tobytes():
            diff = float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64))))
            worst = max(worst, diff)
            problems.append("%s: max abs diff %.3g" % (key, diff))
    same_text = to_json_text(built) + "\n" == text
    fields = []
    if not same_text:
        # Name the top-level fields whose non-tensor content differs.
        for key in list(built) + [k for k in data if k not in built]:
            a, b = built.get(key), data.get(key)
            if key in ("generator",) or a == b:
                continue
            if json.dumps(strip_tensors(a), sort_keys=True) != json.dumps(strip_tensors(b), sort_keys=True):
                fields.append(key)
    return problems, worst, same_text, fields


def strip_tensors(obj):
    """The object with every tensor's data dropped (shape and dtype kept)."""
    if is_tensor_obj(obj):
        return {"shape": obj["shape"], "dtype": obj["dtype"]}
    if isinstance(obj, dict):
        return {k: strip_tensors(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [strip_tensors(v) for v in obj]
    return obj


def select(cases, only):
    if not only:
        return cases
    names = only.split(",")
    chosen = [c for c in cases if c["name"] in names]
    missing = set(names) - {c["name"] for c in chosen}
    if missing:
        sys.exit("unknown case(s): " + ", ".join(sorted(missing)))
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="write the cases into this folder")
    ap.add_argument("--check", help="rebuild in memory and compare with the files in this folder")
    ap.add_argument("--set", choices=sorted(SETS), default="public", help="which case table (default public)")
    ap.add_argument("--only", help="comma-separated case names (names before any seed offset)")
    ap.add_argument("--seed-offset", type=int, default=0, help="add K to every seed (names get _seed<seed>)")
    ap.add_argument("--list", action="store_true", help="print the case names of the table and exit")
    args = ap.parse_args()
    cases = select(SETS[args.set], args.only)
    if args.list:
        for c in cases:
            print(c["name"])
        return 0
    if bool(args.out) == bool(args.check):
        ap.error("give exactly one of --out DIR or --check DIR")

    if args.out:
        os.makedirs(args.out, exist_ok=True)
        for case in cases:
            case = make_case(case, args.set, args.seed_offset)
            built = case["build"](case)
            path = os.path.join(args.out, case["name"] + ".json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(to_json_text(built) + "\n")
            with open(path, encoding="utf-8") as f:
                validate(json.load(f), built)
            print("wrote", path)
        print("%d cases written and re-read OK" % len(cases))
        return 0

    exact = close = failed = same_files = 0
    for case in cases:
        case = make_case(case, args.set, args.seed_offset)
        path = os.path.join(args.check, case["name"] + ".json")
        if not os.path.exists(path):
            print("%-45s MISSING FILE" % case["name"])
            failed += 1
            continue
        built = case["build"](case)
        problems, worst, same_text, fields = compare_case(built, path)
        same_files += same_text
        if not problems:
            exact += 1
            status = "bit-identical tensors" + (", identical file" if same_text else "")
        elif worst <= NOISE:
            close += 1
            status = "within float32 noise (max abs diff %.3g)" % worst
        else:
            failed += 1
            status = "DIFFERENT (max abs diff %.3g)" % worst
        if fields:
            status += "; other fields differ: " + ", ".join(fields)
        print("%-45s %s" % (case["name"], status))
        for p in problems:
            print("    " + p)
    known = {c["name"] + ".json" for c in cases}
    if not args.only and not args.seed_offset:
        for f in sorted(os.listdir(args.check)):
            if f.endswith(".json") and f not in known:
                print("%-45s not in the %s table" % (f, args.set))
    print("%d cases: %d bit-identical (%d byte-identical files), %d within noise, %d different/missing"
          % (len(cases), exact, same_files, close, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
