#!/usr/bin/env python3
"""Compare nabla's op values and gradients with PyTorch (float64).

Reads the JSON printed by nb_reference_dump (a file name, or stdin), and for
each case evaluates the same expression with PyTorch on the same inputs,
computes the gradients of sum(out * weight), and compares values, shapes
and gradients with |nabla - torch| <= RTOL * |torch| + ATOL.

A new nabla op used in nb_reference_dump.c needs one entry in OPS below.
Exit status: 0 when every case matches, 1 otherwise.
"""
import json
import sys

import torch
import torch.nn.functional as F

RTOL = 1e-9
ATOL = 1e-12  # for values that are zero up to rounding

REDUCTION = {0: "mean", 1: "sum", 2: "none"}


def _sum_to(x, shape):
    """nabla's sum_to: sum x down to `shape`, which broadcasts to x's shape."""
    lead = x.dim() - len(shape)
    if lead:
        x = x.sum(dim=tuple(range(lead)))
    dims = tuple(d for d, n in enumerate(shape) if n == 1 and x.shape[d] != 1)
    if dims:
        x = x.sum(dim=dims, keepdim=True)
    return x


def _all_dims(x):
    return tuple(range(x.dim()))


# nabla function name -> the same computation in PyTorch.
OPS = {
    # arithmetic core
    "nb_add": torch.add,
    "nb_sub": torch.sub,
    "nb_mul": torch.mul,
    "nb_div": torch.div,
    "nb_neg": torch.neg,
    "nb_square": torch.square,
    "nb_tanh": torch.tanh,
    "nb_add_scalar": lambda x, c: x + c,
    "nb_mul_scalar": lambda x, c: x * c,
    "nb_matmul": torch.matmul,
    "nb_matmul_t": lambda a, b, ta, tb: torch.matmul(a.mT if ta else a, b.mT if tb else b),
    "nb_sum": torch.sum,
    "nb_sum_axis": lambda x, axis, keep: torch.sum(x, dim=axis, keepdim=keep),
    "nb_reshape": lambda x, shape: x.reshape(shape),
    "nb_broadcast_to": lambda x, shape: x.broadcast_to(shape),
    "nb_sum_to": _sum_to,
    # elementwise maps
    "nb_exp": torch.exp,
    "nb_log": torch.log,
    "nb_sqrt": torch.sqrt,
    "nb_abs": torch.abs,
    "nb_sin": torch.sin,
    "nb_cos": torch.cos,
    "nb_erf": torch.erf,
    "nb_sigmoid": torch.sigmoid,
    "nb_relu": torch.relu,
    "nb_leaky_relu": lambda x, slope: F.leaky_relu(x, slope),
    "nb_softplus": F.softplus,
    "nb_clamp": lambda x, lo, hi: torch.clamp(x, lo, hi),
    "nb_pow_scalar": lambda x, p: torch.pow(x, p),
    "nb_pow": torch.pow,
    "nb_maximum": torch.maximum,
    "nb_minimum": torch.minimum,
    "nb_where": lambda m, a, b: torch.where(m != 0, a, b),
    "nb_greater": lambda a, b: (a > b).double(),  # a constant mask, as in nabla
    "nb_tansig": torch.tanh,
    "nb_logsig": torch.sigmoid,
    "nb_purelin": lambda x: x,
    "nb_poslin": torch.relu,
    # reductions
    "nb_mean": torch.mean,
    "nb_mean_axis": lambda x, axis, keep: torch.mean(x, dim=axis, keepdim=keep),
    "nb_max": lambda x: torch.amax(x, dim=_all_dims(x)),
    "nb_min": lambda x: torch.amin(x, dim=_all_dims(x)),
    "nb_max_axis": lambda x, axis, keep: torch.amax(x, dim=axis, keepdim=keep),
    "nb_min": lambda x: torch.amin(x, dim=_all_dims(x)),
    "nb_min_axis": lambda x, axis, keep: torch.amin(x, dim=axis, keepdim=keep),
    "nb_logsumexp": lambda x: torch.logsumexp(x, dim=_all_dims(x)),
    "nb_logsumexp_axis": lambda x, axis, keep: torch.logsumexp(x, dim=axis, keepdim=keep),
    "nb_var_axis": lambda x, axis, corr, keep: torch.var(x, dim=axis, unbiased=bool(corr), keepdim=keep),
    "nb_std_axis": lambda x, axis, corr, keep: torch.std(x, dim=axis, unbiased=bool(corr), keepdim=keep),
    # moving elements
    "nb_transpose": lambda x: x.transpose(-2, -1),
    "nb_permute": lambda x, perm: x.permute(perm),
    "nb_concat": lambda ts, n, axis: torch.cat(list(ts[:n]), dim=axis),
    "nb_slice": lambda x, axis, start, stop: x.narrow(axis, start, stop - start),
    "nb_flatten": lambda x, start: torch.flatten(x, start),
    "nb_unsqueeze": torch.unsqueeze,
    "nb_squeeze": torch.squeeze,
    "nb_gather_rows": lambda table, idx: table[idx.long()],
    "nb_stack": lambda ts, n, axis: torch.stack(list(ts[:n]), dim=axis),
    "split_piece": lambda x, sizes, n, axis, k: torch.split(x, list(sizes[:n]), dim=axis)[k],
    "chunk_piece": lambda x, chunks, axis, k: torch.chunk(x, chunks, dim=axis)[k],
    "nb_pad": lambda x, pad, n, value: F.pad(x, list(pad[:2 * n]), value=value),
    # network pieces
    "nb_softmax": lambda x, axis: torch.softmax(x, axis),
    "nb_log_softmax": lambda x, axis: torch.log_softmax(x, axis),
    "nb_mse_loss": lambda p, t, red: F.mse_loss(p, t, reduction=REDUCTION[red]),
    "nb_cross_entropy_loss": lambda x, lab, red: F.cross_entropy(x, lab.long(), reduction=REDUCTION[red]),
    "nb_nll_loss": lambda x, lab, red: F.nll_loss(x, lab.long(), reduction=REDUCTION[red]),
    "nb_bce_with_logits_loss": lambda x, t, red: F.binary_cross_entropy_with_logits(
        x, t, reduction=REDUCTION[red]),
    "nb_gelu": F.gelu,
    "nb_layer_norm": lambda x, k, w, b, eps: F.layer_norm(x, x.shape[x.dim() - k:], w, b, eps),
    "nb_batch_norm": lambda x, rm, rv, w, b, training, momentum, eps: F.batch_norm(
        x, rm, rv, w, b, training, momentum, eps),
}



def _conv2d_opts(sh, sw, ph, pw, dh, dw, g):
    """nabla's nb_conv2d_opts (a zero means the default) as PyTorch keywords."""
    return {"stride": (sh or 1, sw or 1), "padding": (ph, pw),
            "dilation": (dh or 1, dw or 1), "groups": g or 1}


def _conv1d_opts(s, p, d, g):
    return {"stride": s or 1, "padding": p, "dilation": d or 1, "groups": g or 1}


def _pool2d_opts(sh, sw, ph, pw):
    return {"stride": (sh, sw), "padding": (ph, pw)}


def _conv(fn, x, w, b, opts):
    return fn(x, w, b, **(opts or {}))


def _unfold_kw(opts):
    kw = dict(opts or {})
    kw.pop("groups", None)
    return kw


def _pool(fn, x, kh, kw, opts):
    o = opts or {"stride": (0, 0), "padding": (0, 0)}
    stride = (o["stride"][0] or kh, o["stride"][1] or kw)
    return fn(x, (kh, kw), stride=stride, padding=o["padding"])


OPS.update({
    "nb_conv2d": lambda x, w, b, o: _conv(F.conv2d, x, w, b, o),
    "nb_conv1d": lambda x, w, b, o: _conv(F.conv1d, x, w, b, o),
    "nb_unfold": lambda x, kh, kw, o: F.unfold(x, (kh, kw), **_unfold_kw(o)),
    "nb_fold": lambda c, h, w, kh, kw, o: F.fold(c, (h, w), (kh, kw), **_unfold_kw(o)),
    "nb_max_pool2d": lambda x, kh, kw, o: _pool(F.max_pool2d, x, kh, kw, o),
    "nb_avg_pool2d": lambda x, kh, kw, o: _pool(F.avg_pool2d, x, kh, kw, o),
    "nb_global_avg_pool2d": lambda x: F.adaptive_avg_pool2d(x, 1),
})

# The helpers of nb_reference_dump.c's expressions.
HELPERS = {
    "NB_SHAPE": lambda *dims: tuple(dims),
    "PERM": lambda *p: tuple(p),
    "TENSORS": lambda *ts: tuple(ts),
    "LABELS": lambda *v: torch.tensor(v, dtype=torch.float64),
    "MASK": lambda *v: torch.tensor(v, dtype=torch.float64),
    "true": True,
    "false": False,
    "NB_REDUCE_MEAN": 0,
    "NB_REDUCE_SUM": 1,
    "NB_REDUCE_NONE": 2,
    "NB_F64": "f64",
    "NULL": None,
    "I64": lambda *v: tuple(v),
    "VEC": lambda *v: torch.tensor(v, dtype=torch.float64),
    "CONV2D": _conv2d_opts,
    "CONV1D": _conv1d_opts,
    "POOL2D": _pool2d_opts,
}


def _torch_cell(cls, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """A torch.nn cell of x's and h's sizes with our tensors as its weights
    (torch's own shapes and gate order, so they go in unchanged)."""
    cell = cls(x.shape[1], h.shape[1], dtype=torch.float64)
    weights = {"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih, "bias_hh": b_hh}
    state = (h, c) if c is not None else h
    return torch.nn.utils.stateless.functional_call(cell, weights, (x, state))


def _lstm_hc(x, h, c, w_ih, w_hh, b_ih, b_hh):
    h1, c1 = _torch_cell(torch.nn.LSTMCell, x, h, c, w_ih, w_hh, b_ih, b_hh)
    return torch.cat([h1, c1], dim=1)


# recurrent cells, evaluated by torch.nn's cells
OPS["nb_rnn_cell"] = lambda x, h, *w: _torch_cell(torch.nn.RNNCell, x, h, None, *w)
OPS["nb_gru_cell"] = lambda x, h, *w: _torch_cell(torch.nn.GRUCell, x, h, None, *w)
HELPERS["LSTM_HC"] = _lstm_hc  # nb_lstm_cell's h1 and c1 side by side


def tensor(obj, requires_grad=False):
    t = torch.tensor(obj["data"], dtype=torch.float64).reshape(obj["shape"])
    return t.requires_grad_(requires_grad)


def compare(what, got, want):
    """Return a list of mismatch descriptions (empty when they agree)."""
    if want is None and got is None:
        return []
    if want is None:
        want = torch.zeros_like(tensor(got))
    if got is None:
        if torch.count_nonzero(want) == 0:
            return []
        return ["%s: nabla gave no gradient, torch gives %s" % (what, want.tolist())]
    g = tensor(got)
    want = want.detach()
    if tuple(g.shape) != tuple(want.shape):
        return ["%s: shape %s, torch %s" % (what, list(g.shape), list(want.shape))]
    err = (g - want).abs()
    tol = RTOL * want.abs() + ATOL
    bad = (err > tol) | torch.isnan(err)
    if not bool(bad.any()):
        return []
    i = int(torch.argmax(torch.where(bad, err / tol, torch.zeros_like(err))).item())
    return ["%s: %d of %d elements differ; worst at flat index %d: nabla %.17g, torch %.17g"
            % (what, int(bad.sum()), g.numel(), i, g.flatten()[i].item(), want.flatten()[i].item())]


def run_case(case):
    names = dict(OPS)
    names.update(HELPERS)
    inputs = [tensor(x["t"], requires_grad=True) for x in case["inputs"]]
    for name, t in zip("abcdefg", inputs):
        names[name] = t
    try:
        out = eval(case["expr"], {"__builtins__": {}}, names)  # our own dump's text
    except NameError as e:
        return ["cannot evaluate %s: %s (add the op to OPS in compare_torch.py)" % (case["expr"], e)]
    problems = compare("value", case["value"], out)
    w = tensor(case["weight"])
    if tuple(w.shape) == tuple(out.shape):
        (out * w).sum().backward()
    for k, (t, g) in enumerate(zip(inputs, case["grads"])):
        problems += compare("grad of %s" % "abcdefg"[k], g["t"], t.grad)
    return problems


def main(argv):
    src = open(argv[1]) if len(argv) > 1 else sys.stdin
    data = json.load(src)
    torch.set_default_dtype(torch.float64)
    cases = data["cases"]
    matched = 0
    for case in cases:
        problems = run_case(case)
        if problems:
            print("MISMATCH %s: %s" % (case["id"], case["expr"]))
            for p in problems:
                print("    " + p)
        else:
            matched += 1
    failed_in_c = data.get("failed", 0)
    print("%d of %d cases matched PyTorch (float64, rtol %g, atol %g)%s"
          % (matched, len(cases), RTOL, ATOL,
             "; %d cases failed to run in nabla" % failed_in_c if failed_in_c else ""))
    return 0 if matched == len(cases) and not failed_in_c else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
