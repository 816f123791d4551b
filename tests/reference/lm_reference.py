#!/usr/bin/env python3
"""An independent implementation of MATLAB's trainlm, as issue text and the
nabla documentation state it, compared iterate by iterate with nabla.

Reads the JSON printed by nb_lm_dump (a file name, or stdin).  For each case
it starts from the same weights and, with numpy in float64:
  e = y(X) - t over all samples and outputs (N*O values, row-major),
  perf = e.e / (N*O) (or e.e for sse),
  J = de/dX (N*O x P) by the chain rule through the layers (tanh hidden,
      linear output), columns in the flat order: per layer W (in x out,
      row-major), then b,
  jj = J'J, je = J'e, and at the top of each epoch the stop tests
      (mu > mu_max, then the epoch count; min_grad and goal are off),
  dX = -(jj + mu I)^-1 je by Cholesky; keep X + dX when perf falls and set
      mu = max(mu * mu_dec, 1e-20), else mu = mu * mu_inc and solve again
      while mu <= mu_max.
It then compares perf and mu at every epoch and the final weights with
nabla's, relative error <= 1e-9, and the stop reason.
Exit status: 0 when every case matches, 1 otherwise.
"""
import json
import sys

import numpy as np

RTOL = 1e-9


def layers(sizes, w):
    """The (W, b) of each layer, viewed from the flat vector w."""
    out, off = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = w[off:off + n_in * n_out].reshape(n_in, n_out)
        off += n_in * n_out
        out.append((W, w[off:off + n_out]))
        off += n_out
    assert off == w.size
    return out


def forward(sizes, w, x):
    """Each layer's input and the network's output."""
    inputs, h = [], x
    ls = layers(sizes, w)
    for k, (W, b) in enumerate(ls):
        inputs.append(h)
        z = h @ W + b
        h = np.tanh(z) if k < len(ls) - 1 else z
    return inputs, h


def errors(sizes, w, x, t):
    return (forward(sizes, w, x)[1] - t).reshape(-1)


def jacobian(sizes, w, x):
    """de/dw, row n*O + o, by backpropagating a unit output through the net."""
    ls = layers(sizes, w)
    inputs, y = forward(sizes, w, x)
    N, O = y.shape
    # d[n, o, :] = d y[n, o] / d z (pre-activation of the current layer)
    d = np.broadcast_to(np.eye(O), (N, O, O)).copy()
    blocks = [None] * len(ls)
    for k in range(len(ls) - 1, -1, -1):
        a = inputs[k]  # N x in
        dW = a[:, None, :, None] * d[:, :, None, :]  # N, O, in, out
        blocks[k] = np.concatenate([dW.reshape(N, O, -1), d], axis=2)
        if k > 0:
            W = ls[k][0]
            # through W, then through tanh of the layer below: 1 - tanh^2
            d = (d @ W.T) * (1.0 - inputs[k] ** 2)[:, None, :]
    return np.concatenate(blocks, axis=2).reshape(N * O, -1)


def cholesky_solve(A, b):
    """x = A^-1 b through A = L L'; None when A is not positive definite."""
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        return None
    n = b.size
    y = np.zeros(n)
    for i in range(n):  # L y = b
        y[i] = (b[i] - L[i, :i] @ y[:i]) / L[i, i]
    z = np.zeros(n)
    for i in range(n - 1, -1, -1):  # L' z = y
        z[i] = (y[i] - L[i + 1:, i] @ z[i + 1:]) / L[i, i]
    return z


def trainlm(c):
    sizes = c["sizes"]
    x = np.array(c["x"]).reshape(-1, sizes[0])
    t = np.array(c["t"]).reshape(-1, sizes[-1])
    w = np.array(c["w0"])
    count = 1.0 if c["sse"] else float(t.size)
    mu, mu_max = c["mu"], c["mu_max"]
    e = errors(sizes, w, x, t)
    perf = e @ e / count
    perfs, mus = [], []
    ep = failed = 0
    while True:
        J = jacobian(sizes, w, x)
        e = errors(sizes, w, x, t)
        jj, je = J.T @ J, J.T @ e
        perfs.append(perf)
        mus.append(mu)
        if mu > mu_max:
            stop = "Maximum mu reached."
            break
        if ep >= c["epochs"]:
            stop = "Maximum epoch reached."
            break
        while mu <= mu_max:
            dX = cholesky_solve(jj + mu * np.eye(w.size), -je)
            if dX is not None:
                e2 = errors(sizes, w + dX, x, t)
                perf2 = e2 @ e2 / count
                if perf2 < perf:
                    w, perf = w + dX, perf2
                    mu = max(mu * c["mu_dec"], 1e-20)
                    break
            mu *= c["mu_inc"]
            failed += 1
        ep += 1
    return np.array(perfs), np.array(mus), stop, w, failed


def rel(a, b):
    """Largest |a - b| / |b| (the size of b, for vectors near zero)."""
    a, b = np.asarray(a), np.asarray(b)
    scale = np.maximum(np.abs(b), 1e-3 * np.max(np.abs(b)))
    return float(np.max(np.abs(a - b) / scale))


def main():
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    cases = json.load(src)
    bad = 0
    for c in cases:
        perfs, mus, stop, w, failed = trainlm(c)
        msgs = []
        if len(perfs) != len(c["perf"]):
            msgs.append("%d epochs here, %d in nabla" % (len(perfs) - 1, len(c["perf"]) - 1))
        else:
            for key, mine in (("perf", perfs), ("mu_trace", mus)):
                r = rel(c[key], mine)
                if not r <= RTOL:
                    msgs.append("%s differs (relative %.3g)" % (key, r))
            r = rel(c["w"], w)
            if not r <= RTOL:
                msgs.append("final weights differ (relative %.3g)" % r)
        if stop != c["stop"]:
            msgs.append("stop '%s' here, '%s' in nabla" % (stop, c["stop"]))
        print("%s %s: %d epochs (%d failed steps), perf %.6g -> %.6g, mu %.3g, %s" %
              ("FAIL" if msgs else "ok  ", c["name"], len(perfs) - 1, failed, perfs[0],
               perfs[-1], mus[-1], stop))
        for m in msgs:
            print("    " + m)
        bad += bool(msgs)
    print("%d of %d trainlm cases match the reference" % (len(cases) - bad, len(cases)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
