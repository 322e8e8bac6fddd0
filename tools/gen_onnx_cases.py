#!/usr/bin/python3
"""PyTorch reference cases for Recur's ONNX export (tests/Recur.Onnx.Tests/Fixtures).

For each module of the table below: build it in PyTorch with a fixed seed, train it for a few Adam
steps on random targets (so the weights are "PyTorch-trained", not fresh initialisations), then write
  <name>.safetensors the state dict (read by Recur's Module.Load)
  <name>.json        for two input sizes the inputs and PyTorch's outputs
  <name>.torch.onnx  torch.onnx.export of the same module (opset 14, batch/seq dynamic), when PyTorch
                     can export it (it refuses LSTM with proj_size: the json says so)
The C# tests load the weights into Recur's module, export it with OnnxExport, run both files in ONNX
Runtime and compare with PyTorch's outputs.

    /usr/bin/python3 tools/gen_onnx_cases.py --out tests/Recur.Onnx.Tests/Fixtures
"""
import argparse
import json
import os

import torch
from torch import nn

from torch_interop import write_safetensors  # torch 1.13 has no safetensors package: the format by hand

CASES = [
    # name, PyTorch constructor (the C# tests build Recur's module from the same text), kind
    ("rnn_5_7", "RNN(5, 7)", "rnn"),
    ("rnn_relu_2l_bf", "RNN(3, 6, num_layers=2, nonlinearity='relu', batch_first=True)", "rnn"),
    ("lstm_2l_bi", "LSTM(4, 8, num_layers=2, bidirectional=True)", "lstm"),
    ("lstm_proj_bf", "LSTM(6, 10, proj_size=3, batch_first=True)", "lstm"),
    ("lstm_proj_2l_bi", "LSTM(5, 7, num_layers=2, proj_size=4, bidirectional=True)", "lstm"),
    ("gru_3l_nobias", "GRU(5, 9, num_layers=3, bias=False)", "rnn"),
    ("gru_bi_bf", "GRU(2, 4, bidirectional=True, batch_first=True)", "rnn"),
    ("linear_8_3", "Linear(8, 3)", "linear"),
    ("embedding_30_6", "Embedding(30, 6)", "embedding"),
]
SIZES = [(4, 3), (1, 1)]  # (seq, batch)


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def make_inputs(m, kind, seq, batch, g):
    if kind == "linear":
        return {"input": torch.randn(batch, m.in_features, generator=g)}
    if kind == "embedding":
        return {"input": torch.randint(0, m.num_embeddings, (batch, seq), generator=g)}
    d = 2 if m.bidirectional else 1
    hout = m.proj_size if getattr(m, "proj_size", 0) else m.hidden_size
    x = torch.randn(*((batch, seq) if m.batch_first else (seq, batch)), m.input_size, generator=g)
    ins = {"input": x, "h0": torch.randn(m.num_layers * d, batch, hout, generator=g)}
    if kind == "lstm":
        ins["c0"] = torch.randn(m.num_layers * d, batch, m.hidden_size, generator=g)
    return ins


def run(m, kind, ins):
    if kind in ("linear", "embedding"):
        return {"output": m(ins["input"])}
    if kind == "lstm":
        o, (h, c) = m(ins["input"], (ins["h0"], ins["c0"]))
        return {"output": o, "h_n": h, "c_n": c}
    o, h = m(ins["input"], ins["h0"])
    return {"output": o, "h_n": h}


class Wrap(nn.Module):
    """torch.onnx.export wants flat inputs/outputs: LSTM's (h0, c0) tuple unpacked."""

    def __init__(self, m, kind):
        super().__init__()
        self.m, self.kind = m, kind

    def forward(self, *xs):
        if self.kind == "lstm":
            o, (h, c) = self.m(xs[0], (xs[1], xs[2]))
            return o, h, c
        if self.kind == "rnn":
            return self.m(xs[0], xs[1])
        return self.m(xs[0])


def train(m, kind, g):
    opt = torch.optim.Adam(m.parameters(), lr=0.05)
    for _ in range(5):
        ins = make_inputs(m, kind, 5, 2, g)
        out = run(m, kind, ins)["output"]
        loss = ((out - torch.randn(out.shape, generator=g)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    for i, (name, spec, kind) in enumerate(CASES):
        torch.manual_seed(100 + i)
        g = torch.Generator().manual_seed(200 + i)
        m = eval("nn." + spec)
        train(m, kind, g)
        m.eval()
        write_safetensors(os.path.join(args.out, name + ".safetensors"), m.state_dict(), {"written_by": "torch " + torch.__version__})
        case = {"name": name, "module": spec, "kind": kind, "runs": []}
        with torch.no_grad():
            for seq, batch in SIZES:
                ins = make_inputs(m, kind, seq, batch, g)
                outs = run(m, kind, ins)
                case["runs"].append({
                    "inputs": {k: dict(tensor_json(v), dtype="int64" if v.dtype == torch.int64 else "float32") for k, v in ins.items()},
                    "outputs": {k: tensor_json(v) for k, v in outs.items()}})
        ins = make_inputs(m, kind, 4, 3, g)
        names_in = list(ins.keys())
        names_out = list(run(m, kind, ins).keys())
        dyn = {}
        for k, v in ins.items():
            if k == "input":
                if kind == "linear":
                    dyn[k] = {0: "batch"}
                elif kind == "embedding":
                    dyn[k] = {0: "batch", 1: "seq"}
                else:
                    dyn[k] = {0: "batch", 1: "seq"} if m.batch_first else {0: "seq", 1: "batch"}
            else:
                dyn[k] = {1: "batch"}
        for k in names_out:
            if k == "output":
                dyn[k] = dyn["input"] if kind != "embedding" else {0: "batch", 1: "seq"}
            else:
                dyn[k] = {1: "batch"}
        path = os.path.join(args.out, name + ".torch.onnx")
        try:
            with torch.no_grad():
                torch.onnx.export(Wrap(m, kind), tuple(ins.values()), path, input_names=names_in,
                                  output_names=names_out, dynamic_axes=dyn, opset_version=14)
            case["torch_onnx"] = name + ".torch.onnx"
        except Exception as e:  # PyTorch refuses LSTM with proj_size
            if os.path.exists(path):
                os.remove(path)
            case["torch_onnx"] = None
            case["torch_onnx_error"] = f"{type(e).__name__}: {str(e)[:200]}"
        with open(os.path.join(args.out, name + ".json"), "w") as f:
            json.dump(case, f, separators=(",", ":"))
        print(name, "torch.onnx:", case["torch_onnx"] or case["torch_onnx_error"])


if __name__ == "__main__":
    main()
