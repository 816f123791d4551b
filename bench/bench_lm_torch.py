#!/usr/bin/python3
"""W8, the PyTorch side: MATLAB's trainlm in PyTorch, on the problem that
bench/bench_lm --dump writes (training rows, targets, layer sizes, starting
weights in nabla's flat order: per layer W (in x out, row-major), then b).

Each epoch: e = y(X) - t, J = de/dX by functorch.jacrev (torch.autograd.
functional.jacobian with vectorize=True when functorch is missing), jj =
J'J, je = J'e, the gradient 2 je / (N O) (reported, as nabla computes it);
then (jj + mu I) dX = -je by Cholesky (torch.linalg.cholesky_ex and
torch.cholesky_solve), keep the step when the mse falls (mu = max(mu mu_dec,
1e-20)), else mu = mu mu_inc and solve again, until mu > mu_max.  float64
throughout.  MATLAB's defaults: mu 0.001, mu_dec 0.1, mu_inc 10, mu_max 1e10.

--solve dual solves the same step through the N O x N O system, dX =
-J' (J J' + mu I)^-1 e, as nabla does when N O < P, so that the algorithm's
cost and the implementation's can be told apart.

Prints one line in the format of bench_lm.

Usage: bench_lm_torch.py --problem FILE [--epochs 50] [--threads 1] [--solve primal|dual]
"""
import argparse
import time

import torch

try:
    from functorch import jacrev
except ImportError:  # a torch without functorch
    jacrev = None


def read_problem(path):
    with open(path) as f:
        head = f.readline().split()
        rows, inputs, outputs = int(head[1]), int(head[3]), int(head[5])
        sizes = [int(v) for v in f.readline().split()[1:]]
        vals = [float(v) for v in f.read().split()]
    nx, nt = rows * inputs, rows * outputs
    x = torch.tensor(vals[:nx], dtype=torch.float64).reshape(rows, inputs)
    t = torch.tensor(vals[nx:nx + nt], dtype=torch.float64).reshape(rows, outputs)
    w = torch.tensor(vals[nx + nt:], dtype=torch.float64)
    return x, t, sizes, w


def make_errors(x, t, sizes):
    def errors(w):
        h, off = x, 0
        for i in range(len(sizes) - 1):
            n_in, n_out = sizes[i], sizes[i + 1]
            W = w[off:off + n_in * n_out].reshape(n_in, n_out)
            off += n_in * n_out
            b = w[off:off + n_out]
            off += n_out
            h = h @ W + b
            if i < len(sizes) - 2:
                h = torch.tanh(h)
        return (h - t).reshape(-1)
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", required=True)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--solve", choices=("primal", "dual"), default="primal")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    x, t, sizes, X = read_problem(a.problem)
    errors = make_errors(x, t, sizes)
    if jacrev is not None:
        jac = jacrev(errors)
    else:
        def jac(w):
            return torch.autograd.functional.jacobian(errors, w, vectorize=True)
    P, n = X.numel(), t.numel()
    mu, mu_dec, mu_inc, mu_max = 1e-3, 0.1, 10.0, 1e10
    dual = a.solve == "dual"
    eye = torch.eye(n if dual else P, dtype=torch.float64)
    t0 = time.perf_counter()
    with torch.no_grad():
        perf = float((errors(X) ** 2).sum()) / n
    ep, stop = 0, "Maximum epoch reached."
    while True:
        J = jac(X)
        with torch.no_grad():
            e = errors(X)
            jj = J @ J.T if dual else J.T @ J
            je = J.T @ e
            grad = float(torch.linalg.vector_norm(2 * je / n))
            if mu > mu_max:
                stop = "Maximum mu reached."
                break
            if grad < 0 or ep >= a.epochs:  # min_grad is off, as in bench_lm
                break
            kept = False
            while mu <= mu_max:
                L, info = torch.linalg.cholesky_ex(jj + mu * eye)
                if int(info) == 0 and dual:
                    dX = -(J.T @ torch.cholesky_solve(e.unsqueeze(1), L).squeeze(1))
                elif int(info) == 0:
                    dX = -torch.cholesky_solve(je.unsqueeze(1), L).squeeze(1)
                if int(info) == 0:
                    X2 = X + dX
                    perf2 = float((errors(X2) ** 2).sum()) / n
                    if perf2 < perf:
                        kept = True
                        break
                mu *= mu_inc
            if kept:
                X, perf = X2, perf2
                mu = max(mu * mu_dec, 1e-20)
        ep += 1
    sec = time.perf_counter() - t0
    print("torch trainlm%s: net=%s params=%d rows=%d epochs=%d seconds=%.4f epochs_per_s=%.3f "
          "perf=%.10g mu=%g stop=%s" % (" (dual)" if dual else "", "-".join(map(str, sizes)), P, x.shape[0], ep, sec,
                                        ep / sec, perf, mu, stop))


if __name__ == "__main__":
    main()
