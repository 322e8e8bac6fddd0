#!/usr/bin/python3
"""Check that Recur's model files and PyTorch's state dicts are interchangeable (docs/SAVING.md).

    /usr/bin/python3 tools/torch_interop.py export DIR   # PyTorch writes torch_<m>.safetensors (+ .io: input, outputs)
    /usr/bin/python3 tools/torch_interop.py check DIR    # PyTorch loads recur_<m>.safetensors with strict=True, runs
                                                         # recur_<m>.io.safetensors' input, compares with Recur's outputs

Modules (the same on both sides, see tests/Recur.Tests/IO/TorchInteropTests.cs):
  lstm      nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)    input [4, 2, 3]
  gru       nn.GRU(3, 5, num_layers=2, batch_first=True)                    input [2, 4, 3]
  rnn       nn.RNN(3, 5, nonlinearity='relu', bidirectional=True)           input [4, 2, 3]
  linear    nn.Linear(4, 3)                                                 input [2, 4]
  embedding nn.Embedding(10, 4, padding_idx=0)                              indices [2, 3] (stored as F32)

torch 1.13 has no safetensors package here, so the format (8-byte little-endian header length, JSON header,
raw little-endian data) is read and written by the few lines below. `check` exits 1 when any output differs
by more than 1e-5 or a load fails.
"""
import sys
from pathlib import Path

import torch

from safetensors_io import read_safetensors, write_safetensors

TOL = 1e-5


def modules():
    return {
        "lstm": (lambda: torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2), [4, 2, 3]),
        "gru": (lambda: torch.nn.GRU(3, 5, num_layers=2, batch_first=True), [2, 4, 3]),
        "rnn": (lambda: torch.nn.RNN(3, 5, nonlinearity="relu", bidirectional=True), [4, 2, 3]),
        "linear": (lambda: torch.nn.Linear(4, 3), [2, 4]),
        "embedding": (lambda: torch.nn.Embedding(10, 4, padding_idx=0), [2, 3]),
    }


def run(name, module, x):
    with torch.no_grad():
        if name == "embedding":
            return {"output": module(x.long())}
        if name == "linear":
            return {"output": module(x)}
        out, state = module(x)
        if name == "lstm":
            return {"output": out, "h_n": state[0], "c_n": state[1]}
        return {"output": out, "h_n": state}


def export(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for i, (name, (make, shape)) in enumerate(modules().items()):
        torch.manual_seed(100 + i)
        m = make()
        x = torch.randint(0, 10, shape).float() if name == "embedding" else torch.randn(shape)
        write_safetensors(folder / f"torch_{name}.safetensors", m.state_dict(), {"written_by": "torch " + torch.__version__})
        write_safetensors(folder / f"torch_{name}.io.safetensors", {"input": x, **run(name, m, x)})
        print(f"{name}: wrote {len(m.state_dict())} tensors")


def check(folder):
    ok = True
    for name, (make, _) in modules().items():
        m = make()
        try:
            state, _ = read_safetensors(folder / f"recur_{name}.safetensors")
            m.load_state_dict(state, strict=True)
        except Exception as e:  # report every module, then fail
            print(f"{name}: load_state_dict(strict=True) failed: {e}")
            ok = False
            continue
        io, _ = read_safetensors(folder / f"recur_{name}.io.safetensors")
        ours = run(name, m, io["input"])
        worst = 0.0
        for key, t in ours.items():
            if tuple(t.shape) != tuple(io[key].shape):
                print(f"{name}: {key} shape {tuple(t.shape)} vs Recur's {tuple(io[key].shape)}")
                ok = False
                continue
            worst = max(worst, (t - io[key]).abs().max().item() if t.numel() else 0.0)
        print(f"{name}: strict load ok, max |torch - recur| = {worst:.3g}")
        ok = ok and worst <= TOL
    return ok


if __name__ == "__main__":
    torch.set_num_threads(1)
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "export":
        export(folder)
    elif mode == "check":
        sys.exit(0 if check(folder) else 1)
    else:
        sys.exit(f"unknown mode {mode}; use export or check")
