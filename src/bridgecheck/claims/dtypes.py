"""Claims about dtypes: what a conversion keeps, what casts do, and whether bits survive."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import attempt, describe_exception, dtype_name, with_warnings
from bridgecheck.dtypes import NUMPY_TO_TORCH

TOPIC = "dtypes"


#: NumPy type codes of the dtypes torch supports, aliases included: ``l``/``q`` are both int64
#: and ``L``/``Q`` both uint64 on Linux, yet NumPy keeps them as distinct types.
TYPE_CODES = "?bBhHiIlLqQefdFD"


def _from_numpy_keeps_dtype() -> Finding:
    kept, changed, refused = [], [], []
    for code in TYPE_CODES:
        dtype = np.dtype(code)
        t, exc = attempt(lambda: torch.from_numpy(np.zeros(3, dtype=dtype)))
        if exc is not None:
            why = describe_exception(exc)
            refused.append((code, f"'{code}' ({dtype.type.__name__}, equal to {dtype.name}): {why}"))
        elif t.dtype != NUMPY_TO_TORCH[dtype.name]:
            changed.append(f"'{code}' {dtype.name} -> {dtype_name(t.dtype)}")
        else:
            kept.append(code)
    counted = f"{len(kept)}/{len(TYPE_CODES)} type codes kept their same-named torch dtype"
    if changed:
        return Finding.decide(False, f"{counted}; changed: {', '.join(changed)}")
    if refused:
        codes = ", ".join(f"'{code}'" for code, _ in refused)
        return Finding.conditional(
            f"for arrays not typed {codes}", f"{counted}; refused: {'; '.join(text for _, text in refused)}"
        )
    return Finding.decide(True, f"{counted} ({TYPE_CODES})")


def _cast_methods() -> Finding:
    t = torch.from_numpy(np.array([1, 2, 3]))
    as_float, as_double = t.float(), t.double()
    ok = as_float.dtype == torch.float32 and as_double.dtype == torch.float64
    ok = ok and as_float.tolist() == [1.0, 2.0, 3.0]
    return Finding.decide(
        ok,
        f"int64 tensor .float() -> {dtype_name(as_float.dtype)}, .double() -> {dtype_name(as_double.dtype)},"
        f" values {as_float.tolist()}",
    )


def _dtype_argument() -> Finding:
    t = torch.tensor(np.array([1, 2, 3]), dtype=torch.int16)
    ok = t.dtype == torch.int16 and t.tolist() == [1, 2, 3]
    # Worth knowing next to the claim: the cast is unchecked for ndarrays (a list would raise).
    wrapped = torch.tensor(np.array([300]), dtype=torch.int8).item()
    return Finding.decide(
        ok,
        f"int64 array with dtype=torch.int16 -> {dtype_name(t.dtype)} {t.tolist()};"
        f" note: out-of-range values wrap silently (300 as int8 -> {wrapped})",
    )


def _float64_may_become_float32() -> Finding:
    # Runs isolated: it switches the process-wide default dtype both ways.
    a = np.array([0.1, 0.2])
    paths = {
        "torch.from_numpy": lambda: torch.from_numpy(a),
        "torch.tensor": lambda: torch.tensor(a),
        "torch.as_tensor": lambda: torch.as_tensor(a),
        "torch.asarray": lambda: torch.asarray(a),
        "torch.Tensor (legacy constructor)": lambda: torch.Tensor(a),
    }
    narrowed: set[str] = set()
    for default in (torch.float32, torch.float64):
        torch.set_default_dtype(default)
        for name, make in paths.items():
            if with_warnings(make)[0].dtype != torch.float64:
                narrowed.add(f"{name} under default {dtype_name(default)}")
    kept = [name for name in paths if not any(n.startswith(name + " ") for n in narrowed)]
    if not narrowed:
        return Finding.decide(
            False, f"float64 kept by every path under both default dtypes: {', '.join(kept)}"
        )
    modern = [n for n in narrowed if not n.startswith("torch.Tensor ")]
    if modern:
        return Finding.decide(True, f"narrowed to float32 by: {', '.join(sorted(narrowed))}")
    return Finding.conditional(
        f"with {', '.join(sorted(narrowed))}", f"float64 kept by {', '.join(kept)} under both default dtypes"
    )


def _roundtrip_changes_bits() -> Finding:
    rng = np.random.default_rng(0)
    cases = {
        # every float16 bit pattern; random float32/float64 bit patterns (NaN payloads,
        # subnormals, infinities and signed zeros included by construction)
        "float16": np.arange(1 << 16, dtype=np.uint16).view(np.float16),
        "float32": rng.integers(0, 1 << 32, 100_000, dtype=np.uint64).astype(np.uint32).view(np.float32),
        "float64": rng.integers(0, np.iinfo(np.int64).max, 100_000, dtype=np.int64).view(np.float64),
    }
    cases["float64"] = np.concatenate([cases["float64"], np.array([-0.0, np.inf, -np.inf, 5e-324])])
    changed = []
    for name, a in cases.items():
        for path, make in (("from_numpy", torch.from_numpy), ("torch.tensor", torch.tensor)):
            back = make(a).numpy()
            if back.tobytes() != a.tobytes():
                changed.append(f"{name} via {path}")
    counts = ", ".join(f"{a.size} {name}" for name, a in cases.items())
    if changed:
        return Finding.decide(True, f"bits changed for {', '.join(changed)}")
    return Finding.decide(
        False, f"bit-identical on the CPU for {counts} values via from_numpy and torch.tensor"
    )


CLAIMS = [
    Claim(
        "dtypes.from-numpy-keeps-dtype",
        TOPIC,
        "torch.from_numpy keeps the array's dtype, e.g. an int64 array gives an int64 tensor.",
        _from_numpy_keeps_dtype,
    ),
    Claim(
        "dtypes.cast-methods",
        TOPIC,
        "Calling .float() or .double() on a converted tensor casts it to float32 or float64.",
        _cast_methods,
    ),
    Claim(
        "dtypes.dtype-argument",
        TOPIC,
        "Passing dtype= to torch.tensor when converting an array gives a tensor of that dtype"
        " (e.g. int16 from int64).",
        _dtype_argument,
    ),
    Claim(
        "dtypes.float64-silently-float32",
        TOPIC,
        "Unless you name a dtype, converting a float64 array may give a float32 tensor and lose precision.",
        _float64_may_become_float32,
        isolate=True,
    ),
    Claim(
        "dtypes.roundtrip-not-bit-exact",
        TOPIC,
        "A round trip from NumPy to torch and back can alter the exact bits of the values.",
        _roundtrip_changes_bits,
    ),
]
