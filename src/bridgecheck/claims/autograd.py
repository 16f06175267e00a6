"""Claims about gradients and the bridge: requires_grad, .grad, detach, .data and no_grad."""

from __future__ import annotations

import threading

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import array_write_reaches, attempt, describe_exception, shares

TOPIC = "autograd"

#: The grad-requiring tensor most checks start from, as their evidence names it.
GRAD_X = "x = torch.tensor([1.0, 2.0], requires_grad=True)"


def _grad_x() -> torch.Tensor:
    return torch.tensor([1.0, 2.0], requires_grad=True)


def _off_until_enabled() -> Finding:
    t = torch.from_numpy(np.array([1.0, 2.0, 3.0]))
    before = t.requires_grad
    t.requires_grad_(True)
    return Finding.decide(
        not before and t.requires_grad and t.is_leaf,
        f"t = from_numpy(np.array([1.0, 2.0, 3.0])): requires_grad {before};"
        f" after requires_grad_(True): {t.requires_grad} (leaf: {t.is_leaf})",
    )


def _requires_grad_in_place() -> Finding:
    t = torch.from_numpy(np.array([1.0, 2.0]))
    same = t.requires_grad_(True) is t
    return Finding.decide(
        same and t.requires_grad,
        f"t = from_numpy(np.array([1.0, 2.0])): t.requires_grad_(True) is t: {same};"
        f" flag set on t: {t.requires_grad}",
    )


def _requires_grad_separates_memory() -> Finding:
    a = np.array([1.0, 2.0, 3.0])
    t = torch.from_numpy(a).requires_grad_(True)
    seen = array_write_reaches(a, t)
    return Finding.decide(
        not seen,
        f"a = np.array([1.0, 2.0, 3.0]), t = from_numpy(a).requires_grad_(True):"
        f" array write seen by t: {seen}",
    )


def _requires_grad_on_int() -> Finding:
    a = np.array([1, 2, 3], dtype=np.int32)
    t, exc = attempt(lambda: torch.from_numpy(a).requires_grad_(True))
    if exc is not None:
        return Finding.decide(
            False,
            "from_numpy(np.array([1, 2, 3], dtype=np.int32)).requires_grad_(True) raises"
            f" {describe_exception(exc)}",
        )
    return Finding.decide(True, f"accepted on an int32 tensor (requires_grad={t.requires_grad})")


def _grad_none_without_tracking() -> Finding:
    t = torch.from_numpy(np.array([1.0, 2.0]))
    (t * 2).sum()
    return Finding.decide(
        t.grad is None,
        f"t = from_numpy(np.array([1.0, 2.0])) after (t * 2).sum(): requires_grad=False, .grad = {t.grad!r}",
    )


def _grad_filled_by_backward() -> Finding:
    x = _grad_x()
    before = x.grad
    out = (x**2).sum()
    after_forward = x.grad
    out.backward()
    expected = [2.0, 4.0]  # d(sum x^2)/dx = 2x
    got = None if x.grad is None else x.grad.tolist()
    return Finding.decide(
        before is None and after_forward is None and got == expected,
        f"{GRAD_X}, out = (x**2).sum(): .grad before backward: {before!r}, after forward: {after_forward!r},"
        f" after backward: {got} (2x = {expected})",
    )


def _grad_fn_records_op() -> Finding:
    x = _grad_x()
    y = x * 3
    array_has = hasattr(np.zeros(1), "grad_fn")
    return Finding.decide(
        y.grad_fn is not None and x.grad_fn is None and not array_has,
        f"{GRAD_X}: (x * 3).grad_fn: {type(y.grad_fn).__name__}; x.grad_fn: {x.grad_fn!r};"
        f" ndarray has grad_fn: {array_has}",
    )


def _numpy_refuses_grad_tensor() -> Finding:
    x = _grad_x()
    _, enabled_exc = attempt(x.numpy)
    with torch.no_grad():
        _, disabled_exc = attempt(x.numpy)
    refused = isinstance(enabled_exc, RuntimeError) and "detach().numpy()" in str(enabled_exc)
    evidence = (
        f"{GRAD_X}: grad mode on: {describe_exception(enabled_exc) if enabled_exc else 'no error'};"
        f" inside no_grad: {describe_exception(disabled_exc) if disabled_exc else 'succeeds'}"
    )
    if refused and disabled_exc is None:
        return Finding.conditional("while grad mode is enabled", evidence)
    return Finding.decide(refused, evidence)


def _numpy_inside_no_grad() -> Finding:
    x = _grad_x()
    with torch.no_grad():
        a, exc = attempt(x.numpy)
    if exc is not None:
        return Finding.decide(False, f"{GRAD_X}: x.numpy() raises {describe_exception(exc)}")
    return Finding.decide(
        True, f"{GRAD_X}: x.numpy() returns a {a.dtype} array; shares memory with x: {shares(a, x)}"
    )


def _detach_then_numpy() -> Finding:
    x = _grad_x()
    d = x.detach()
    a, exc = attempt(d.numpy)
    ok = exc is None and not d.requires_grad and torch.equal(d, x) and a.tolist() == x.tolist()
    detail = describe_exception(exc) if exc else f"numpy() gives {a.tolist()}"
    return Finding.decide(
        ok,
        f"{GRAD_X}: x.detach() requires_grad={d.requires_grad}, equal values: {torch.equal(d, x)}; {detail}",
    )


def _detach_numpy_shares() -> Finding:
    x = _grad_x()
    a = x.detach().numpy()
    a[0] = 10.0
    seen = x[0].item() == 10.0
    return Finding.decide(
        seen,
        f"{GRAD_X}, a = x.detach().numpy(): write to a seen in x: {seen};"
        f" x still requires grad: {x.requires_grad}",
    )


def _data_attribute() -> Finding:
    x = _grad_x()
    d = x.data
    a, exc = attempt(d.numpy)
    if exc is not None:
        return Finding.decide(False, f".data.numpy() raises {describe_exception(exc)}")
    a[1] = 100.0
    seen = x[1].item() == 100.0
    return Finding.decide(
        not d.requires_grad and d.grad_fn is None and seen,
        f"{GRAD_X}: x.data requires_grad={d.requires_grad}, grad_fn={d.grad_fn!r};"
        f" write through .data.numpy() seen by the original: {seen}",
    )


def _no_grad_results() -> Finding:
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    with torch.no_grad():
        results = {
            # new memory
            "x*2+1": x * 2 + 1,
            "from_numpy(ones) + x": torch.from_numpy(np.ones(4, dtype=np.float32)) + x,
            "x.clone()": x.clone(),
            "x.double()": x.double(),
            # views of x
            "x[:1]": x[:1],
            "x.view(4)": x.view(4),
            "x.reshape(4)": x.reshape(4),
            "x.reshape(2, 2).T": x.reshape(2, 2).T,
            "x.unsqueeze(0)": x.unsqueeze(0),
            "x.expand(2, 4)": x.expand(2, 4),
            # x itself: nothing to convert or copy
            "x.contiguous()": x.contiguous(),
            "x.float()": x.float(),
            # asked for explicitly
            "torch.zeros(2, requires_grad=True)": torch.zeros(2, requires_grad=True),
            "nn.Parameter(torch.ones(2))": torch.nn.Parameter(torch.ones(2)),
        }

    def kind(t: torch.Tensor) -> str:
        return "x itself" if t is x else "a view" if t._base is x else "new"

    tracking = [f"{name} ({kind(t)})" for name, t in results.items() if t.requires_grad]
    free = [f"{name} ({kind(t)})" for name, t in results.items() if not t.requires_grad]
    return Finding.decide(
        not tracking,
        f"inside no_grad, with x requiring grad: requires_grad=True for {', '.join(tracking) or 'none'};"
        f" False for {', '.join(free) or 'none'}",
    )


def _no_grad_thread_local() -> Finding:
    # Isolated: grad mode is per-thread global state; a failure must not leave it switched off.
    x = _grad_x()
    seen: dict[str, bool] = {}

    def worker() -> None:
        seen["grad_enabled"] = torch.is_grad_enabled()
        seen["requires_grad"] = (x * 2).requires_grad

    with torch.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        main = (x * 2).requires_grad
    return Finding.decide(
        seen.get("requires_grad") is True and not main,
        f"{GRAD_X}, inside no_grad: main-thread x * 2 requires_grad={main}; other thread grad enabled="
        f"{seen.get('grad_enabled')}, its result requires_grad={seen.get('requires_grad')}",
    )


def _numpy_breaks_graph() -> Finding:
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    y = torch.from_numpy(np.sin(x.detach().numpy()))
    _, exc = attempt(lambda: y.sum().backward())
    detail = describe_exception(exc) if exc else "backward ran"
    return Finding.decide(
        not y.requires_grad and y.grad_fn is None and exc is not None and x.grad is None,
        f"x = torch.tensor([0.5, 1.0], requires_grad=True), y = from_numpy(np.sin(x.detach().numpy())):"
        f" requires_grad={y.requires_grad}, grad_fn={y.grad_fn!r};"
        f" backward: {detail}; x.grad={x.grad!r}",
    )


def _claim(slug: str, statement: str, check, **kw) -> Claim:
    return Claim(f"{TOPIC}.{slug}", TOPIC, statement, check, **kw)


CLAIMS = [
    _claim(
        "off-until-enabled",
        "A tensor converted from an array does not track gradients; you switch that on explicitly"
        " with requires_grad_(True).",
        _off_until_enabled,
    ),
    _claim(
        "requires-grad-in-place",
        "requires_grad_() follows the trailing-underscore convention: it changes the tensor itself"
        " and returns it.",
        _requires_grad_in_place,
    ),
    _claim(
        "requires-grad-separates-memory",
        "Switching on requires_grad for a from_numpy tensor gives it separate memory, so array writes"
        " stop reaching it.",
        _requires_grad_separates_memory,
    ),
    _claim(
        "requires-grad-on-int-array",
        "Gradient tracking can be switched on for a tensor made from an integer (int32) array.",
        _requires_grad_on_int,
    ),
    _claim(
        "grad-none-without-tracking",
        "A tensor that does not require grad has None in .grad.",
        _grad_none_without_tracking,
    ),
    _claim(
        "grad-filled-by-backward",
        "With requires_grad on, .grad stays None until backward() is called on a result computed from"
        " the tensor; then it holds the derivative of that result.",
        _grad_filled_by_backward,
    ),
    _claim(
        "grad-fn-records-op",
        "Results computed from a grad-tracking tensor carry a grad_fn (their backward function);"
        " ndarrays have nothing like it.",
        _grad_fn_records_op,
    ),
    _claim(
        "numpy-refuses-grad-tensor",
        "Calling .numpy() on a tensor that requires grad raises a RuntimeError that suggests"
        " detach().numpy().",
        _numpy_refuses_grad_tensor,
    ),
    _claim(
        "numpy-inside-no-grad",
        "Inside a torch.no_grad() block, .numpy() works on a tensor that requires grad.",
        _numpy_inside_no_grad,
    ),
    _claim(
        "detach-then-numpy",
        "detach() yields a grad-free tensor holding identical values, which can then be turned into"
        " an array.",
        _detach_then_numpy,
    ),
    _claim(
        "detach-numpy-shares",
        "The array from detach().numpy() shares storage with the grad-requiring tensor: changing the"
        " array changes the tensor.",
        _detach_numpy_shares,
    ),
    _claim(
        "data-attribute",
        "The .data attribute gives the tensor's values without history, convertible to NumPy and"
        " sharing the same storage.",
        _data_attribute,
    ),
    _claim(
        "no-grad-results",
        "Inside torch.no_grad(), the result of every computation has requires_grad=False, even when its"
        " inputs require grad.",
        _no_grad_results,
    ),
    _claim(
        "no-grad-thread-local",
        "torch.no_grad() only affects the thread that entered it; computations in other threads still"
        " track gradients.",
        _no_grad_thread_local,
        isolate=True,
    ),
    _claim(
        "numpy-breaks-graph",
        "Going through NumPy cuts the autograd graph: values brought back from NumPy carry no history"
        " and no gradient flows back.",
        _numpy_breaks_graph,
    ),
]
