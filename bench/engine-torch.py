"""PyTorch's figures for bench/engine.ts: the same CNN and MLP, batch 64, Adam 1e-3.

    /usr/bin/python3 bench/engine-torch.py --model cnn --threads 1 --seconds 10 --height 28 --width 28 \
        --data /tmp/deepline-bench-x/cnn-28 --count 60000

--data names the files bench/engine.ts writes: PREFIX-inputs.f32 (the examples, pixels in [0, 1]),
PREFIX-labels.i32, PREFIX-order.i32 (the shuffled order batches are cut from) and
PREFIX-weights.f32 with PREFIX-weights.json (the initial weights, as tfjs holds them). Batch b is
the examples order[(64 b + i) mod n], exactly as on the TF.js engines; the first two batches warm
up, the timed ones follow. Prints one JSON line: {"train": examples/s, "infer": examples/s,
"first_loss": .., "last_loss": .., "matmul_gflops": ..}.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn

BATCH = 64
CLASSES = 10


class ToChannelsLast(nn.Module):
    """NCHW -> NHWC before flattening, so that the dense layer sees tfjs's order of features."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 2, 3, 1)


def build(model: str, height: int, width: int, features: int) -> nn.Module:
    if model == "cnn":
        # Same layers as buildCnn in bench/engine.ts, in PyTorch's default NCHW layout.
        flat = 32 * (height // 4) * (width // 4)
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            ToChannelsLast(), nn.Flatten(), nn.Linear(flat, CLASSES),
        )
    return nn.Sequential(
        nn.Linear(features, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, CLASSES),
    )


def load_weights(model: nn.Module, prefix: str) -> None:
    """tfjs's kernels are HWIO (conv) and IO (dense); PyTorch's OIHW and OI."""
    shapes = json.load(open(f"{prefix}-weights.json"))
    flat = np.fromfile(f"{prefix}-weights.f32", dtype=np.float32)
    tensors, at = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        tensors.append(flat[at:at + size].reshape(shape))
        at += size
    params = [p for p in model.parameters()]
    if len(params) != len(tensors):
        raise SystemExit(f"{len(tensors)} weights for {len(params)} parameters")
    with torch.no_grad():
        for p, w in zip(params, tensors):
            if w.ndim == 4:
                w = w.transpose(3, 2, 0, 1)
            elif w.ndim == 2:
                w = w.T
            if tuple(p.shape) != w.shape:
                raise SystemExit(f"weight of shape {w.shape} for a parameter of shape {tuple(p.shape)}")
            p.copy_(torch.from_numpy(np.ascontiguousarray(w)))


def matmul_gflops() -> float:
    """PyTorch's dense matmul speed at this thread count: Debian's python3-torch uses whatever
    libblas.so.3 is selected, and the reference BLAS is ~15x slower than OpenBLAS."""
    a, w = torch.rand(BATCH, 784), torch.rand(784, 256)
    for _ in range(5):
        a @ w
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.2:
        a @ w
        n += 1
    return n * 2 * BATCH * 784 * 256 / 1e9 / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--height", type=int, default=28)
    parser.add_argument("--width", type=int, default=28)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--data", required=True)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = build(args.model, args.height, args.width, args.features)
    load_weights(model, args.data)
    shape = (BATCH, 1, args.height, args.width) if args.model == "cnn" else (BATCH, args.features)
    inputs = np.fromfile(f"{args.data}-inputs.f32", dtype=np.float32).reshape(args.count, -1)
    labels = np.fromfile(f"{args.data}-labels.i32", dtype=np.int32).astype(np.int64)
    order = np.fromfile(f"{args.data}-order.i32", dtype=np.int32)
    # tfjs's Adam: epsilon 1e-7 (PyTorch's default is 1e-8).
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def batch(b: int):
        idx = order[np.arange(b * BATCH, (b + 1) * BATCH) % len(order)]
        return torch.from_numpy(inputs[idx]).reshape(shape), torch.from_numpy(labels[idx])

    def step(b: int) -> float:
        x, y = batch(b)
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    first = step(0)
    step(1)
    n, last, start = 0, first, time.perf_counter()
    while n < 2 or time.perf_counter() - start < args.seconds:
        last = step(2 + n)
        n += 1
    train = n * BATCH / (time.perf_counter() - start)

    model.eval()
    with torch.no_grad():
        model(batch(0)[0])
        model(batch(1)[0])
        m, start = 0, time.perf_counter()
        while m < 2 or time.perf_counter() - start < args.seconds / 3:
            model(batch(2 + m)[0])
            m += 1
        infer = m * BATCH / (time.perf_counter() - start)
    print(json.dumps({"train": train, "infer": infer, "first_loss": first, "last_loss": last, "matmul_gflops": matmul_gflops()}))


if __name__ == "__main__":
    main()
