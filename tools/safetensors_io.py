"""The safetensors format in a few lines, for the tools that check Recur's files with PyTorch 1.13 (which has no
safetensors package here): an 8-byte little-endian header length, a JSON header, raw little-endian data."""
import json
import struct
from pathlib import Path

import torch

_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    """(tensors by name as float32, metadata) of a safetensors file (F32, F16, BF16, F64)."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {}) or {}
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=_DTYPES[e["dtype"]]) if end > begin else torch.zeros(0)
        tensors[name] = t.reshape(e["shape"]).to(torch.float32).clone()
    return tensors, meta


def write_safetensors(path, tensors, meta=None):
    """Writes float32 tensors (sorted by name) and string metadata, the header padded to 8 bytes."""
    header, chunks, offset = {}, [], 0
    if meta:
        header["__metadata__"] = meta
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous()
        b = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        chunks.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(h)) + h + b"".join(chunks))
