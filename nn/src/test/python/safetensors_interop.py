"""PyTorch side of jgrad's safetensors interop test (nn: SafeTensorsTorchInteropTest).

There is no `safetensors` package on Debian, so the format is read and written here with numpy, straight from
the spec: an 8-byte little-endian header length, a JSON header, then the tensors' little-endian bytes.

  safetensors_interop.py load  MODEL INPUTS LOGITS   torch loads jgrad's MODEL, writes its logits on INPUTS
  safetensors_interop.py save  MODEL INPUTS LOGITS   torch writes MODEL (int64 buffer included) and its logits

The architecture must match the Java test's forward pass.
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "I8": "i1", "U8": "u1", "BOOL": "?"}


def read(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = buf[8 + n:]
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        a = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(a.copy())
    return out


def write(path, tensors):
    names = {np.dtype(v).str: k for k, v in DTYPES.items()}
    header, chunks, at = {}, [], 0
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy())
        a = a.astype(a.dtype.newbyteorder("<"))
        b = a.tobytes()
        header[name] = {"dtype": names[a.dtype.str], "shape": list(a.shape), "data_offsets": [at, at + len(b)]}
        chunks.append(b)
        at += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 7 * 7, 16), nn.ReLU(), nn.Linear(16, 10))


def main(mode, model_path, inputs_path, logits_path):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    m = model()
    if mode == "load":
        state = read(model_path)
        # jgrad holds integer buffers as I32; torch's num_batches_tracked is int64
        state = {k: v.to(m.state_dict()[k].dtype) for k, v in state.items()}
        m.load_state_dict(state, strict=True)
    else:
        m.train()
        with torch.no_grad():  # moves the BatchNorm running statistics and its int64 counter off their defaults
            for _ in range(3):
                m(torch.randn(16, 1, 28, 28) * 2 + 0.5)
        write(model_path, m.state_dict())
    m.eval()
    with torch.no_grad():
        logits = m(read(inputs_path)["x"])
    write(logits_path, {"logits": logits})
    print("torch", torch.__version__, "logits", tuple(logits.shape))


if __name__ == "__main__":
    main(*sys.argv[1:])
