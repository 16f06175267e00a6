"""Claims about dtypes: what a conversion keeps, what casts do, and whether bits survive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import attempt, describe_exception, with_warnings
from bridgecheck.dtypes import NUMPY_TO_TORCH, torch_name

TOPIC = "dtypes"


def dtype_sample() -> dict[str, np.dtype]:
    """Every NumPy type code (``np.typecodes['All']``: aliases such as ``l``/``q`` and ``L``/``Q``
    stay distinct types), then every multi-byte numeric one in non-native byte order."""
    sample = {f"'{code}'": np.dtype(code) for code in np.typecodes["All"]}
    for code in np.typecodes["AllInteger"] + np.typecodes["AllFloat"]:
        if np.dtype(code).itemsize > 1:
            swapped = np.dtype(code).newbyteorder()
            sample[swapped.str] = swapped
    return sample


def _from_numpy_keeps_dtype() -> Finding:
    kept, changed = [], []
    refused: dict[str, list[str]] = {}  # exception -> the dtypes refused with it
    for label, dtype in dtype_sample().items():
        t, exc = attempt(lambda: torch.from_numpy(np.zeros(3, dtype=dtype)))  # noqa: B023 - called at once
        if exc is not None:
            refused.setdefault(describe_exception(exc), []).append(label)
        elif dtype.isnative and t.dtype == NUMPY_TO_TORCH.get(dtype.name):
            kept.append(label)
        else:
            changed.append(f"{label} {dtype.name} -> {torch_name(t.dtype)}")
    refusals = "; ".join(f"{' '.join(labels)} ({exc})" for exc, labels in refused.items())
    # A refusal raises: nothing was converted, so nothing changed dtype.
    return Finding.decide(
        bool(kept) and not changed,
        f"accepted and kept: {' '.join(kept)}; changed: {', '.join(changed) or 'none'};"
        f" refused (no tensor, so no change): {refusals or 'none'}",
    )


def _cast_methods() -> Finding:
    t = torch.from_numpy(np.array([1, 2, 3]))
    as_float, as_double = t.float(), t.double()
    ok = as_float.dtype == torch.float32 and as_double.dtype == torch.float64
    ok = ok and as_float.tolist() == [1.0, 2.0, 3.0]
    return Finding.decide(
        ok,
        f"from_numpy(np.array([1, 2, 3])) (int64) .float() -> {torch_name(as_float.dtype)},"
        f" .double() -> {torch_name(as_double.dtype)},"
        f" values {as_float.tolist()}",
    )


def _dtype_argument() -> Finding:
    t = torch.tensor(np.array([1, 2, 3]), dtype=torch.int16)
    ok = t.dtype == torch.int16 and t.tolist() == [1, 2, 3]
    # Worth knowing next to the claim: the cast is unchecked for ndarrays (a list would raise).
    wrapped = torch.tensor(np.array([300]), dtype=torch.int8).item()
    return Finding.decide(
        ok,
        f"int64 array with dtype=torch.int16 -> {torch_name(t.dtype)} {t.tolist()};"
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
                narrowed.add(f"{name} under default {torch_name(default)}")
    kept = [name for name in paths if not any(n.startswith(name + " ") for n in narrowed)]
    if not narrowed:
        return Finding.decide(
            False,
            f"np.array([0.1, 0.2]): float64 kept by every path under both default dtypes: {', '.join(kept)}",
        )
    modern = [n for n in narrowed if not n.startswith("torch.Tensor ")]
    if modern:
        return Finding.decide(
            True, f"np.array([0.1, 0.2]) narrowed to float32 by: {', '.join(sorted(narrowed))}"
        )
    return Finding.conditional(
        f"with {', '.join(sorted(narrowed))}",
        f"np.array([0.1, 0.2]) keeps float64 via {', '.join(kept)} under both default dtypes",
    )


#: float dtype -> (unsigned integer of its width, number of mantissa bits)
_FLOAT_LAYOUT: dict[str, tuple[type[np.unsignedinteger], int]] = {
    "float16": (np.uint16, 10), "float32": (np.uint32, 23), "float64": (np.uint64, 52),
}


def special_bit_patterns(name: str) -> np.ndarray:
    """Zeros, subnormals, extremes, infinities and NaNs (quiet and signalling, with payloads),
    each with the sign bit clear and set, as values of the float dtype ``name``."""
    uint, mantissa = _FLOAT_LAYOUT[name]
    bits = np.dtype(uint).itemsize * 8
    inf = ((1 << (bits - 1 - mantissa)) - 1) << mantissa
    quiet = 1 << (mantissa - 1)
    magnitudes = [
        0, 1, (1 << mantissa) - 1, 1 << mantissa, inf - 1, inf,  # zero, subnormals, normal, max, inf
        inf | quiet, inf | quiet | 0b101, inf | 1, inf | (quiet - 1), inf | ((1 << mantissa) - 1),  # NaNs
    ]
    patterns = magnitudes + [m | (1 << (bits - 1)) for m in magnitudes]
    return np.array(patterns, dtype=uint).view(name)


def bit_pattern_sample(name: str, size: int = 100_000) -> np.ndarray:
    """Every float16 pattern; otherwise ``size`` uniform random patterns over the *whole* integer
    range (sign bit included), followed by ``special_bit_patterns``."""
    uint, _ = _FLOAT_LAYOUT[name]
    drawn: np.ndarray
    if name == "float16":
        drawn = np.arange(1 << 16, dtype=np.uint16)
    else:
        drawn = np.random.default_rng(0).integers(0, np.iinfo(uint).max, size, dtype=uint, endpoint=True)
    return np.concatenate([drawn.view(name), special_bit_patterns(name)])


def _describe_sample(a: np.ndarray) -> str:
    nan = np.isnan(a)
    quiet_bit = 1 << (_FLOAT_LAYOUT[a.dtype.name][1] - 1)
    signalling = nan & ((a.view(_FLOAT_LAYOUT[a.dtype.name][0]) & quiet_bit) == 0)
    return (
        f"{a.size} {a.dtype.name} ({np.signbit(a).sum()} with the sign bit set, {nan.sum()} NaNs of which"
        f" {signalling.sum()} signalling, {(~np.isfinite(a) & ~nan).sum()} infinities)"
    )


def _roundtrip_changes_bits() -> Finding:
    # Only paths that copy: a round trip through from_numpy(a).numpy() returns a view of a
    # itself and could not change a bit, so it tests nothing.
    paths = {
        "torch.tensor(a).numpy()": lambda a: torch.tensor(a).numpy(),
        "torch.from_numpy(a).clone().numpy()": lambda a: torch.from_numpy(a).clone().numpy(),
    }
    changed = []
    samples = {name: bit_pattern_sample(name) for name in _FLOAT_LAYOUT}
    for name, a in samples.items():
        for path, roundtrip in paths.items():
            back = roundtrip(a)
            if np.shares_memory(back, a):
                raise AssertionError(f"{path} returned memory of its input: not a round trip")
            if back.dtype != a.dtype or back.tobytes() != a.tobytes():
                changed.append(f"{name} via {path}")
    inputs = f"{', '.join(_describe_sample(a) for a in samples.values())} via {' and '.join(paths)}"
    if changed:
        return Finding.decide(True, f"bits changed for {', '.join(changed)}; inputs: {inputs}")
    return Finding.decide(False, f"bit-identical on the CPU for {inputs}")


def _list_of_float64_gives_float32() -> Finding:
    # Runs isolated: it switches the process-wide default dtype.
    a = np.array([0.1, 0.2])
    seen = {}
    for default in (torch.float32, torch.float64):
        torch.set_default_dtype(default)
        seen[torch_name(default)] = torch.tensor(a.tolist())
    named = torch.tensor(a.tolist(), dtype=torch.float64)
    evidence = (
        "torch.tensor(np.array([0.1, 0.2]).tolist()) under default float32 ->"
        f" {torch_name(seen['float32'].dtype)}"
        f" (0.1 reads back as {seen['float32'][0].item()!r}), under default float64 ->"
        f" {torch_name(seen['float64'].dtype)}; with dtype=torch.float64 -> {torch_name(named.dtype)}"
    )
    narrowed = [default for default, t in seen.items() if t.dtype == torch.float32]
    if narrowed == ["float32"]:
        return Finding.conditional("while the default dtype is float32, torch's initial setting", evidence)
    return Finding.decide(narrowed == ["float32", "float64"], evidence)


def _same_shape_and_data() -> Finding:
    cases = {  # each works on a 24-element 1-d array or tensor alike
        "0-d": lambda x: x[:1].reshape(()),
        "(3, 0)": lambda x: x[:0].reshape(3, 0),
        "(5,)": lambda x: x[:5],
        "(2, 3, 4)": lambda x: x.reshape(2, 3, 4),
        "transposed (4, 6)": lambda x: x.reshape(6, 4).T,
        "step-sliced (6, 2)": lambda x: x.reshape(6, 4)[:, ::2],
    }
    to_torch: dict[str, Callable[[Any], torch.Tensor]] = {
        "torch.from_numpy": torch.from_numpy,
        "torch.tensor": torch.tensor,
        "torch.as_tensor": torch.as_tensor,
    }
    to_numpy: dict[str, Callable[[Any], np.ndarray]] = {"Tensor.numpy": lambda t: t.numpy(), "np.asarray": np.asarray}
    values = np.random.default_rng(0).standard_normal(24) * 10
    total, differ = 0, []
    for dtype in NUMPY_TO_TORCH:
        source = (np.abs(values) if np.dtype(dtype).kind in "ub" else values).astype(dtype)
        for shape, make in cases.items():
            # tolist() reads each side independently: comparing through .numpy() could read
            # the very buffer that was converted.
            a, t = make(source), make(torch.tensor(source))
            pairs = [(name, a, convert(a)) for name, convert in to_torch.items()]
            pairs += [(name, convert(t), t) for name, convert in to_numpy.items()]
            for name, array, tensor in pairs:
                total += 1
                if array.shape != tuple(tensor.shape) or array.tolist() != tensor.tolist():
                    differ.append(f"{name} {dtype} {shape}")
    inputs = (
        f"{total} conversions: {', '.join(to_torch)} (array -> tensor),"
        f" {', '.join(to_numpy)} (tensor -> array)"
        f" on shapes {', '.join(cases)} x dtypes {' '.join(NUMPY_TO_TORCH)}"
    )
    return Finding.decide(not differ, f"shape or values differ: {', '.join(differ[:5]) or 'never'}; {inputs}")


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
        "dtypes.float64-via-list-float32",
        TOPIC,
        "Passing a float64 array's values as a Python list, torch.tensor(a.tolist()), without naming a"
        " dtype gives a float32 tensor.",
        _list_of_float64_gives_float32,
        isolate=True,
    ),
    Claim(
        "dtypes.roundtrip-not-bit-exact",
        TOPIC,
        "A round trip from NumPy to torch and back can alter the exact bits of the values.",
        _roundtrip_changes_bits,
    ),
    Claim(
        "dtypes.same-shape-and-data",
        TOPIC,
        "A conversion in either direction gives an object of the same shape holding the same data.",
        _same_shape_and_data,
    ),
]
