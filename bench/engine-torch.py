"""PyTorch's figures for bench/engine.ts: the same CNN and MLP, batch 64, Adam 1e-3.

    /usr/bin/python3 bench/engine-torch.py --model cnn --threads 1 --seconds 10 --height 28 --width 28

Prints one JSON line: {"train": examples/s, "infer": examples/s, "first_loss": .., "last_loss": ..}.
Inputs are seeded random tensors of the bench's shapes; speed does not depend on pixel values.
"""
import argparse
import json
import time

import torch
from torch import nn

BATCH = 64
CLASSES = 10


def build(model: str, height: int, width: int, features: int) -> nn.Module:
    if model == "cnn":
        # Same layers as buildCnn in bench/engine.ts, in PyTorch's default NCHW layout (channels_last
        # measured slower here for this model).
        flat = 32 * (height // 4) * (width // 4)
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(flat, CLASSES),
        )
    return nn.Sequential(
        nn.Linear(features, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, CLASSES),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--height", type=int, default=28)
    parser.add_argument("--width", type=int, default=28)
    parser.add_argument("--features", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(20240601)
    model = build(args.model, args.height, args.width, args.features)
    shape = (BATCH, 1, args.height, args.width) if args.model == "cnn" else (BATCH, args.features)
    batches = [(torch.rand(shape), torch.randint(0, CLASSES, (BATCH,))) for _ in range(16)]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step(i: int) -> float:
        x, y = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    first = step(0)
    for i in range(3):
        step(i)
    n, last, start = 0, first, time.perf_counter()
    while n < 2 or time.perf_counter() - start < args.seconds:
        last = step(n)
        n += 1
    train = n * BATCH / (time.perf_counter() - start)

    model.eval()
    with torch.no_grad():
        model(batches[0][0])
        m, start = 0, time.perf_counter()
        while m < 2 or time.perf_counter() - start < args.seconds / 3:
            model(batches[m % len(batches)][0])
            m += 1
        infer = m * BATCH / (time.perf_counter() - start)
    print(json.dumps({"train": train, "infer": infer, "first_loss": first, "last_loss": last}))


if __name__ == "__main__":
    main()
