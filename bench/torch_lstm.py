#!/usr/bin/python3
"""Peer of bench_lstm (W7): a 1-layer LSTM training step in PyTorch (Debian python3-torch).
x (32, 64, 128) batch first through torch.nn.LSTM (hidden 128), the last step's h through a
linear layer to 10 logits, cross-entropy, SGD lr 0.01, f32; fixed random data, the same every
step. Reports the median of --steps timed steps after --warmup, as bench_lstm does.
Usage: torch_lstm.py [--batch 32] [--seq 64] [--input 128] [--hidden 128] [--steps 10]
                     [--warmup 2] [--threads 1]"""
import argparse, time, torch

p = argparse.ArgumentParser()
for name, default in (("batch", 32), ("seq", 64), ("input", 128), ("hidden", 128),
                      ("steps", 10), ("warmup", 2), ("threads", 1)):
    p.add_argument("--" + name, type=int, default=default)
a = p.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(1)
x = torch.randn(a.batch, a.seq, a.input)
y = torch.randint(0, 10, (a.batch,))
lstm = torch.nn.LSTM(a.input, a.hidden, batch_first=True)
head = torch.nn.Linear(a.hidden, 10)
opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.01)
lossf = torch.nn.CrossEntropyLoss()
times = []
for s in range(a.warmup + a.steps):
    t = time.perf_counter()
    out, _ = lstm(x)
    loss = lossf(head(out[:, -1, :]), y)
    opt.zero_grad(); loss.backward(); opt.step()
    if s >= a.warmup:
        times.append(time.perf_counter() - t)
times.sort(); med = times[len(times) // 2]
print(f"torch threads={a.threads} lstm={a.input}x{a.hidden} seq={a.seq} batch={a.batch} "
      f"step_s={med:.4f} samples_per_s={a.batch / med:.1f} loss={loss.item():.4f}")
