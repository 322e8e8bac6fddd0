#!/usr/bin/env python3
"""Loads a `recur charlm train` model file into PyTorch and computes the char-LM protocol's validation loss.

    /usr/bin/python3 tools/charlm_eval.py MODEL.safetensors TEXT [--json]

The model is nn.Embedding(V, E) -> nn.LSTM(E, H, L, batch_first=True) -> nn.Linear(H, V), loaded from the file's
tensors by name; the vocabulary is the file's `vocab` metadata. The text is read as UTF-8, split by position (first
90 % train, last 10 % validation, floor(0.9 n) characters train) and the loss is the mean cross-entropy in nats per
character of predicting every validation character from all the characters before it, the model run over the
validation text as one stream with its (h, c) carried. Only torch and the standard library are needed: the
safetensors file is read by the small reader below.
"""
import argparse
import json
import math
import sys

import torch
import torch.nn as nn

from safetensors_io import read_safetensors


class CharLm(nn.Module):
    def __init__(self, vocab, emb, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state


def load(path):
    tensors, meta = read_safetensors(path)
    vocab = list(json.loads(meta["vocab"]))
    model = CharLm(len(vocab), int(meta["embedding_dim"]), int(meta["hidden_size"]), int(meta["num_layers"]))
    model.load_state_dict(tensors, strict=True)
    return model.eval(), vocab, meta


@torch.no_grad()
def validation_loss(model, vocab, text, chunk=2048):
    index = {c: i for i, c in enumerate(vocab)}
    n_train = int(math.floor(len(text) * 0.9 + 1e-9))
    ids = torch.tensor([index[c] for c in text[n_train:]], dtype=torch.long)
    total, state = 0.0, None
    n = len(ids) - 1
    for start in range(0, n, chunk):  # chunks with the state carried: the same computation as one step at a time
        x = ids[start:min(start + chunk, n)].unsqueeze(0)
        y = ids[start + 1:min(start + chunk, n) + 1]
        logits, state = model(x, state)
        total += torch.nn.functional.cross_entropy(logits[0].double(), y, reduction="sum").item()
    return total / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("text")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args()
    torch.set_num_threads(1)
    model, vocab, meta = load(a.model)
    with open(a.text, encoding="utf-8", newline="") as f:
        text = f.read()  # no newline translation: '\r' stays a character, as in recur
    if text.startswith("\ufeff"):
        text = text[1:]
    missing = sorted(set(text) - set(vocab))
    if missing:
        sys.exit(f"error: the text has characters the model's vocabulary lacks: {missing[:10]!r}")
    loss = validation_loss(model, vocab, text)
    if a.json:
        print(json.dumps({"validation_loss": loss, "recur_validation_loss": float(meta.get("validation_loss", "nan"))}))
    else:
        print(f"validation loss (PyTorch {torch.__version__}): {loss:.6f} nats/char")
        if "validation_loss" in meta:
            print(f"validation loss (recur, in the file): {float(meta['validation_loss']):.6f} nats/char")


if __name__ == "__main__":
    main()
