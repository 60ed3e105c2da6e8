#!/usr/bin/python3
"""Trains the same model on Fashion-MNIST with `./jgrad train` and with PyTorch 1.13 (bench/train_peer.py), one
after the other on the same machine, and prints a markdown table of seconds per epoch and test accuracy side by
side (the issue-5 comparison recorded in bench/RESULTS.md and README.md).

Usage (repository root, idle machine): /usr/bin/python3 bench/train_compare.py --model convnet --epochs 5 [--threads 2]
       [--optimizer adam] [--lr 1e-3] [--batch-size 64] [--schedule none|cosine]
PyTorch gets OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=--threads and torch.set_num_threads; jgrad gets --threads.
"""
import argparse
import csv
import io
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["convnet", "mlp"], default="convnet")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--lr", default="1e-3")
    p.add_argument("--batch-size", default="64")
    p.add_argument("--schedule", default="none")
    p.add_argument("--seed", default="1")
    a = p.parse_args()
    common = ["--model", a.model, "--epochs", str(a.epochs), "--optimizer", a.optimizer, "--lr", a.lr,
              "--batch-size", a.batch_size, "--threads", str(a.threads), "--seed", a.seed, "--schedule", a.schedule]
    run_dir = os.path.join(ROOT, "runs", f"compare-{a.model}")
    shutil.rmtree(run_dir, ignore_errors=True)
    subprocess.run([os.path.join(ROOT, "jgrad"), "train", *common, "--out", run_dir],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(run_dir, "metrics.csv")) as f:
        jgrad = list(csv.DictReader(f))
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), OPENBLAS_NUM_THREADS=str(a.threads))
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "train_peer.py"), *common], env=env,
                         check=True, capture_output=True, text=True).stdout
    header = [l for l in out.splitlines() if l.startswith("#")]
    torch = list(csv.DictReader(io.StringIO("\n".join(l for l in out.splitlines() if not l.startswith("#")))))
    cmd = " ".join(["/usr/bin/python3", "bench/train_compare.py", *sys.argv[1:]])
    print(f"`{cmd}` — {a.model}, {a.optimizer} lr {a.lr}, schedule {a.schedule}, batch {a.batch_size}, {a.threads} threads; "
          f"{header[0][2:] if header else ''}\n")
    print("| epoch | jgrad s | PyTorch s | jgrad / PyTorch time | jgrad test acc | PyTorch test acc |")
    print("|---:|---:|---:|---:|---:|---:|")
    for j, t in zip(jgrad, torch):
        js, ts = float(j["seconds"]), float(t["seconds"])
        print(f"| {j['epoch']} | {js:.1f} | {ts:.1f} | {js / ts:.2f} | {100 * float(j['test_acc']):.2f} % | "
              f"{100 * float(t['test_acc']):.2f} % |")
    med = lambda xs: sorted(xs)[len(xs) // 2]
    js, ts = med([float(r["seconds"]) for r in jgrad]), med([float(r["seconds"]) for r in torch])
    print(f"\nMedian epoch: jgrad {js:.1f} s, PyTorch {ts:.1f} s (PyTorch's time / jgrad's: {ts / js:.2f}).")


if __name__ == "__main__":
    main()
