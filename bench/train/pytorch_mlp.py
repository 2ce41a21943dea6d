#!/usr/bin/python3
"""PyTorch peer of `kiln train` on Fashion-MNIST.

Trains the same MLP as Kiln's comparison run -- 784-512-512-10, GELU (tanh approximation), Adam (lr 1e-3,
betas 0.9/0.999, eps 1e-8), batch 128 with the last partial batch kept, softmax cross-entropy, PyTorch's default
nn.Linear initialization, pixels / 255 -- for 3 epochs on ONE thread, then prints the training throughput
(examples/s over the training loop only: no data loading, no evaluation) and the test accuracy.

The last line of output is one JSON object, for bench/train/compare.sh.

Run it with Debian's python3-torch: /usr/bin/python3 bench/train/pytorch_mlp.py  (a `python3` on PATH may be
another interpreter without torch).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic = struct.unpack(">I", raw[:4])[0]
    if magic == IMAGES_MAGIC:
        n, rows, cols = struct.unpack(">III", raw[4:16])
        data = np.frombuffer(raw, dtype=np.uint8, offset=16)
        if data.size != n * rows * cols:
            sys.exit(f"{path}: header says {n}x{rows}x{cols} pixels, found {data.size}")
        return data.reshape(n, rows * cols)
    if magic == LABELS_MAGIC:
        n = struct.unpack(">I", raw[4:8])[0]
        data = np.frombuffer(raw, dtype=np.uint8, offset=8)
        if data.size != n:
            sys.exit(f"{path}: header says {n} labels, found {data.size}")
        return data
    sys.exit(f"{path}: wrong magic number 0x{magic:08X}")


def find(directory, *prefixes):
    names = sorted(os.listdir(directory))
    for prefix in prefixes:
        hits = [n for n in names if n.startswith(prefix)]
        hits.sort(key=lambda n: not n.endswith(".gz"))
        if hits:
            return os.path.join(directory, hits[0])
    sys.exit(f"{directory}: no file named {' or '.join(p + '*' for p in prefixes)}")


def load(directory):
    xs = read_idx(find(directory, "train-images"))
    ys = read_idx(find(directory, "train-labels"))
    xt = read_idx(find(directory, "t10k-images", "test-images"))
    yt = read_idx(find(directory, "t10k-labels", "test-labels"))
    to_x = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0)
    to_y = lambda a: torch.from_numpy(a.astype(np.int64))
    return to_x(xs), to_y(ys), to_x(xt), to_y(yt)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--hidden", default="512,512")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y, xt, yt = load(args.data)
    widths = [x.shape[1]] + [int(w) for w in args.hidden.split(",") if w] + [10]
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(nn.GELU(approximate="tanh"))
    model = nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    gen = torch.Generator().manual_seed(args.seed)

    n = x.shape[0]
    trained = 0
    loop_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(n, generator=gen)
        total = 0.0
        t0 = time.perf_counter()
        for start in range(0, n, args.batch_size):
            idx = order[start:start + args.batch_size]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        dt = time.perf_counter() - t0
        loop_seconds += dt
        trained += n
        print(f"epoch {epoch}/{args.epochs}  loss {total / n:.4f}  {n / dt:,.0f} ex/s  {dt:.1f}s", flush=True)

    model.eval()
    correct = 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for start in range(0, xt.shape[0], 1000):
            correct += (model(xt[start:start + 1000]).argmax(1) == yt[start:start + 1000]).sum().item()
    infer_seconds = time.perf_counter() - t0
    accuracy = correct / xt.shape[0]
    eps = trained / loop_seconds
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} thread(s): {eps:,.0f} training examples/s, "
          f"test accuracy {accuracy:.4f}, inference {xt.shape[0] / infer_seconds:,.0f} examples/s")
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "layers": widths, "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
                      "examples_per_second": eps, "train_seconds": loop_seconds, "test_accuracy": accuracy,
                      "inference_examples_per_second": xt.shape[0] / infer_seconds}))


if __name__ == "__main__":
    main()
