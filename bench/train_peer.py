#!/usr/bin/python3
"""PyTorch 1.13's side of the epoch-time comparison: trains the same model as `./jgrad train` on Fashion-MNIST
with the same batch size, optimizer, learning rate and data order rules, and prints one line per epoch in the
format `./jgrad train` writes to metrics.csv, so bench/RESULTS.md can put the two side by side.

Usage: /usr/bin/python3 bench/train_peer.py --model convnet|mlp [--epochs 5] [--batch-size 64] [--lr 1e-3]
       [--optimizer adam|sgd|adamw|rmsprop] [--momentum 0.9] [--schedule none|cosine] [--threads 2]
       [--data /usr/share/datasets/fashion-mnist]

The models are the ones in cli/src/main/java/org/jgrad/cli/Models.java: the convnet of issue 3 (conv 1→32 3×3
pad 1, ReLU, maxpool 2, conv 32→64 3×3 pad 1, ReLU, maxpool 2, linear 3136→128, ReLU, linear 128→10) and the MLP
784-512-512-10 with BatchNorm1d after each hidden linear layer. Inputs are normalised with the training set's
mean and standard deviation, as jgrad's FashionMnist does.
"""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def model(name):
    if name == "convnet":
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.BatchNorm1d(512), nn.ReLU(),
                         nn.Linear(512, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Linear(512, 10))


def optimizer(name, params, lr, momentum, weight_decay):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    return torch.optim.RMSprop(params, lr=lr, momentum=momentum, weight_decay=weight_decay)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["convnet", "mlp"], default="convnet")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--optimizer", choices=["sgd", "adam", "adamw", "rmsprop"], default="adam")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--schedule", choices=["none", "cosine"], default="none",
                   help="cosine: annealed per step to 0 at the last epoch, as ./jgrad train --schedule cosine")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    def load(prefix):
        x = read_idx(os.path.join(a.data, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / 255
        y = read_idx(os.path.join(a.data, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
        return x, y

    xtr, ytr = load("train")
    xte, yte = load("t10k")
    mean, std = xtr.mean(), xtr.std()
    xtr = torch.from_numpy((xtr - mean) / std).unsqueeze(1)
    xte = torch.from_numpy((xte - mean) / std).unsqueeze(1)
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)

    net = model(a.model)
    opt = optimizer(a.optimizer, net.parameters(), a.lr, a.momentum, a.weight_decay)
    steps = len(xtr) // a.batch_size
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs * steps) if a.schedule == "cosine" else None
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(a.seed)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads, model={a.model} optimizer={a.optimizer} "
          f"lr={a.lr} schedule={a.schedule} batch={a.batch_size} epochs={a.epochs}")
    print("epoch,train_loss,train_acc,test_loss,test_acc,seconds")
    for epoch in range(1, a.epochs + 1):
        net.train()
        t0 = time.perf_counter()
        order = torch.randperm(len(xtr), generator=g)
        total, correct, loss_sum = 0, 0, 0.0
        for i in range(0, len(order) - a.batch_size + 1, a.batch_size):  # drop-last, as jgrad's loader
            idx = order[i:i + a.batch_size]
            x, y = xtr[idx], ytr[idx]
            opt.zero_grad()
            out = net(x)
            loss = loss_fn(out, y)
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            loss_sum += loss.item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            total += len(y)
        seconds = time.perf_counter() - t0
        net.eval()
        with torch.no_grad():
            test_loss, test_correct = 0.0, 0
            for i in range(0, len(xte), 1000):
                out = net(xte[i:i + 1000])
                test_loss += loss_fn(out, yte[i:i + 1000]).item() * len(out)
                test_correct += (out.argmax(1) == yte[i:i + 1000]).sum().item()
        print(f"{epoch},{loss_sum / total:.6f},{correct / total:.6f},{test_loss / len(xte):.6f},"
              f"{test_correct / len(xte):.6f},{seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()
