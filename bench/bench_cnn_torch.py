#!/usr/bin/python3
"""W6, the PyTorch side of bench_cnn.c: training steps of the same
LeNet-style CNN (batch 64 of 1x28x28 float32 images, conv 5x5 x6 padding 2,
relu, max pool 2, conv 5x5 x16, relu, max pool 2, flatten, 120 relu, 84
relu, 10 logits; cross-entropy, plain SGD) on fixed random images.  After
the warm-up steps, `reps` runs of `steps` steps are timed and the best is
printed in bench_cnn's line format.

Usage: bench_cnn_torch.py [--threads 1] [--batch 64] [--steps 30] [--reps 3]
                          [--warmup 5]
"""
import argparse
import time

import torch
from torch import nn


def main():
    p = argparse.ArgumentParser()
    for name, default in (("threads", 1), ("batch", 64), ("steps", 30), ("reps", 3),
                          ("warmup", 5)):
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x = torch.rand(a.batch, 1, 28, 28)
    y = torch.arange(a.batch) % 10
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    best = float("inf")
    for _ in range(a.reps):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        best = min(best, time.perf_counter() - t0)
    print("W6 torch threads=%d batch=%d steps=%d ms_per_step=%.3f samples_per_s=%.0f"
          % (a.threads, a.batch, a.steps, 1e3 * best / a.steps, a.batch * a.steps / best))


if __name__ == "__main__":
    main()
