#!/usr/bin/env python3
"""Probe version-dependent behaviour of the NumPy <-> PyTorch bridge.

Prints (or writes with --out) one JSON object: {"env": {...}, "import": {...},
"probes": {name: observation}}.  Every probe runs in a forked child (os.fork +
waitpid), so a probe that aborts or segfaults the interpreter is recorded as
"crash:SIGABRT" / "crash:SIGSEGV" instead of ending the run; a probe that hangs is
killed after --timeout seconds ("crash:SIGALRM").  Because each child starts from the
parent's state and the parent never triggers a bridge warning, warn-once warnings
are observed fresh by every probe.

Observation vocabulary (strings, so the per-env JSON files diff well):
  "ok: ..."            the call returned; details follow
  "<ExcType>: <msg>"   the call raised; message cut to MSG chars
  warnings are listed as "<Category>: <msg>" (cut to MSG chars), [] when none.

Usage: python tools/probe_versions.py [--out FILE] [--only NAME ...]
Needs only torch and numpy; works with any torch >= 1.13 and numpy >= 1.22 (probes
that use an API a version lacks record the resulting exception).
"""
from __future__ import annotations

import argparse
import array
import inspect
import json
import os
import platform
import signal
import sys
import tempfile
import warnings

MSG = 110  # characters of messages kept


def _cut(s: str) -> str:
    s = str(s)
    return s if len(s) <= MSG else s[:MSG] + "..."


def exc(e: BaseException) -> str:
    return f"{type(e).__name__}: {_cut(e)}"


# --------------------------------------------------------------------- import
def _import_with_captured_stderr():
    """Import torch and numpy, capturing what goes to fd 2 and Python warnings."""
    info = {}
    fd, path = tempfile.mkstemp()
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                import numpy  # noqa: F401
                import torch  # noqa: F401
                info["error"] = None
            except BaseException as e:  # pragma: no cover - recorded
                info["error"] = exc(e)
        info["warnings"] = [f"{x.category.__name__}: {_cut(x.message)}" for x in w]
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
    with open(path, errors="replace") as f:
        err = f.read()
    os.unlink(path)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    info["stderr_lines"] = len(lines)
    # the NumPy-ABI message is long; keep its distinctive lines
    keep = [ln.strip() for ln in lines
            if any(k in ln for k in ("NumPy", "numpy", "Error", "Warning", "_ARRAY_API"))]
    info["stderr_excerpt"] = [_cut(ln) for ln in keep[:6]]
    return info


IMPORT_INFO = _import_with_captured_stderr()
import numpy as np  # noqa: E402
import torch  # noqa: E402

try:
    torch.set_num_threads(1)
except Exception:
    pass

PROBES: dict = {}


def probe(name):
    def deco(fn):
        PROBES[name] = fn
        return fn
    return deco


def ptr_np(a) -> int:
    return a.__array_interface__["data"][0]


def capture(fn):
    """Run fn() recording warnings; returns (result_or_exception, [warnings])."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = fn()
            e = None
        except BaseException as ex:
            r, e = None, ex
    ws = [f"{x.category.__name__}: {_cut(x.message)}" for x in w]
    return r, e, ws


def outcome(call, ok) -> str:
    """``ok(result)`` if ``call()`` returns, else the exception it raised (as ``exc`` spells it)."""
    r, e, _ = capture(call)
    return exc(e) if e else ok(r)


def outcome_and_warnings(call, ok) -> dict:
    """``outcome`` with the warnings the call gave: {"result": ..., "warnings": [...]}."""
    r, e, ws = capture(call)
    return {"result": exc(e) if e else ok(r), "warnings": ws}


def signature_of(fn) -> str:
    try:
        return str(inspect.signature(fn))
    except Exception as e:
        return exc(e)


def tdesc(t) -> str:
    return f"{t.dtype} {t.tolist()}"


# ------------------------------------------------------------- environment
def env_info():
    d = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "torch_cuda_build": getattr(torch.version, "cuda", None),
        "torch_cuda_available": torch.cuda.is_available(),
    }
    return d


# ------------------------------------------------------------------ probes
# 0. basic bridge health
@probe("bridge.t_numpy")
def _():
    return outcome(lambda: torch.arange(3.).numpy(), lambda r: f"ok: {r.dtype} {r.tolist()}")


@probe("bridge.from_numpy_f64")
def _():
    return outcome(lambda: torch.from_numpy(np.arange(3.)), lambda r: f"ok: {tdesc(r)}")


@probe("bridge.np_asarray_t")
def _():
    t = torch.arange(3.)
    return outcome(lambda: np.asarray(t), lambda r: f"ok: {type(r).__name__} {r.dtype} alias={ptr_np(r) == t.data_ptr()}")


@probe("bridge.torch_tensor_ndarray")
def _():
    return outcome(lambda: torch.tensor(np.arange(3.)), lambda r: f"ok: {tdesc(r)}")


# 1. dtype mapping
def _from_numpy_dtype(dt):
    return outcome(lambda: torch.from_numpy(np.arange(3, dtype=dt)), lambda r: f"ok: {r.dtype}")


for _dt in ("uint16", "uint32", "uint64", "Q"):
    PROBES[f"from_numpy.{ 'ulonglong(Q)' if _dt == 'Q' else _dt}"] = (
        lambda dt=_dt: _from_numpy_dtype(dt))


@probe("tensor.ulonglong(Q)")
def _():
    return outcome(lambda: torch.tensor(np.arange(3, dtype="Q")), lambda r: f"ok: {r.dtype}")


@probe("from_dlpack.ulonglong(Q)")
def _():
    return outcome(lambda: torch.from_dlpack(np.arange(3, dtype="Q")), lambda r: f"ok: {r.dtype}")


@probe("from_dlpack.uint16")
def _():
    return outcome(lambda: torch.from_dlpack(np.arange(3, dtype="uint16")), lambda r: f"ok: {r.dtype}")


@probe("from_numpy.str_error_list")
def _():
    """Does the dtype error message list uint64?"""
    r, e, ws = capture(lambda: torch.from_numpy(np.array(["a"])))
    if not e:
        return "ok (no error)"
    m = str(e)
    return f"{type(e).__name__}: lists_uint={'uint64' in m} tail={m[-75:]!r}"


@probe("t_numpy.uint16")
def _():
    return outcome(lambda: torch.zeros(2, dtype=torch.uint16).numpy(), lambda r: f"ok: {r.dtype}")


@probe("t_numpy.bfloat16")
def _():
    return outcome(lambda: torch.zeros(2, dtype=torch.bfloat16).numpy(), lambda r: f"ok: {r.dtype}")


# 2. NumPy-2 copy protocol
@probe("np_asarray.copy_False")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.asarray(t, copy=False), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("np_array.copy_False")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.array(t, copy=False), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("np_array.default")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.array(t), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("np_asarray.copy_True")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.asarray(t, copy=True), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("Tensor.__array__.copy_kw")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: t.__array__(copy=True), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("Tensor.__array__.copy_False")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: t.__array__(copy=False), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("Tensor.__array__.signature")
def _():
    return signature_of(torch.Tensor.__array__)


@probe("Tensor.__array_wrap__.signature")
def _():
    return signature_of(torch.Tensor.__array_wrap__)


@probe("np_sin.array_wrap")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.sin(t), lambda r: f"ok: {type(r).__name__} {r.dtype}")


@probe("np_greater_equal.result")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.greater_equal(t, 1), lambda r: f"ok: {type(r).__name__} {r.dtype}")


# 3. DLPack
@probe("from_dlpack.readonly_ndarray")
def _():
    a = np.arange(4.)
    a.flags.writeable = False
    r, e, ws = capture(lambda: torch.from_dlpack(a))
    if e:
        return {"result": exc(e), "warnings": ws}
    alias = r.data_ptr() == ptr_np(a)
    # torch tensors have no read-only flag; try a write to see whether it is refused
    w = None
    try:
        r[0] = 42.0
        w = f"write ok, ndarray sees {a[0]}"
    except Exception as ex:
        w = exc(ex)
    return {"result": f"ok: alias={alias}", "write": w, "warnings": ws}


@probe("np_from_dlpack.writeable")
def _():
    t = torch.arange(4.)
    return outcome_and_warnings(lambda: np.from_dlpack(t),
                                lambda r: f"ok: writeable={r.flags.writeable} alias={ptr_np(r) == t.data_ptr()}")


@probe("from_dlpack.neg_stride_1d")
def _():
    a = np.arange(6.)[::-1]
    return outcome_and_warnings(lambda: torch.from_dlpack(a), lambda r: f"ok: {r.tolist()} stride={r.stride()}")


@probe("from_dlpack.neg_stride_2d")
def _():
    a = np.arange(6.).reshape(2, 3)[:, ::-1]
    return outcome_and_warnings(lambda: torch.from_dlpack(a), lambda r: f"ok: {r.tolist()} stride={r.stride()}")


@probe("from_numpy.neg_stride")
def _():
    return outcome(lambda: torch.from_numpy(np.arange(6.)[::-1]), lambda r: f"ok: {r.tolist()}")


@probe("np_from_dlpack.requires_grad")
def _():
    t = torch.arange(3.).requires_grad_()
    return outcome(lambda: np.from_dlpack(t), lambda r: f"ok: {r.tolist()}")


@probe("np_from_dlpack.conj_bit")
def _():
    t = torch.tensor([1 + 2j, 3 - 4j]).conj()
    return outcome(lambda: np.from_dlpack(t), lambda r: f"ok: {r.tolist()}")


@probe("np_from_dlpack.neg_bit")
def _():
    t = torch.tensor([1 + 2j, 3 - 4j]).conj().imag
    truth = t.tolist()
    r, e, ws = capture(lambda: np.from_dlpack(t))
    if e:
        return f"is_neg={t.is_neg()} " + exc(e)
    got = r.tolist()
    return f"ok: is_neg={t.is_neg()} got={got} expected={truth} wrong_sign={got != truth}"


@probe("torch_from_dlpack.neg_bit")
def _():
    t = torch.tensor([1 + 2j, 3 - 4j]).conj().imag
    truth = t.tolist()
    r, e, ws = capture(lambda: torch.from_dlpack(t))
    if e:
        return exc(e)
    got = r.tolist()
    return f"ok: got={got} expected={truth} wrong_sign={got != truth}"


@probe("np_from_dlpack.copy_True")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.from_dlpack(t, copy=True),
                                lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()} writeable={r.flags.writeable}")


@probe("np_from_dlpack.device_cpu")
def _():
    t = torch.arange(3.)
    return outcome(lambda: np.from_dlpack(t, device="cpu"), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("np_from_dlpack.size1_stride")
def _():
    """DLPack stride normalisation of size-1 dims (catalog DL-14)."""
    x = torch.arange(12.)[::3][:1]
    return outcome(lambda: np.from_dlpack(x), lambda r: f"ok: torch stride={x.stride()} numpy strides={r.strides}")


@probe("torch_from_dlpack.size1_stride_roundtrip")
def _():
    x = torch.arange(12.)[::3][:1]
    return outcome(lambda: torch.from_dlpack(x), lambda r: f"ok: in={x.stride()} out={r.stride()}")


@probe("from_dlpack.signature")
def _():
    return signature_of(torch.from_dlpack)


@probe("from_dlpack.copy_True")
def _():
    a = np.arange(3.)
    return outcome_and_warnings(lambda: torch.from_dlpack(a, copy=True), lambda r: f"ok: alias={r.data_ptr() == ptr_np(a)}")


@probe("from_dlpack.copy_False")
def _():
    a = np.arange(3.)
    return outcome_and_warnings(lambda: torch.from_dlpack(a, copy=False), lambda r: f"ok: alias={r.data_ptr() == ptr_np(a)}")


@probe("Tensor.__dlpack__.signature")
def _():
    return signature_of(torch.Tensor.__dlpack__)


@probe("Tensor.__dlpack__.positional_stream")
def _():
    t = torch.arange(3.)
    return outcome(lambda: t.__dlpack__(None), lambda r: f"ok: {type(r).__name__}")


@probe("Tensor.__dlpack__.max_version_1_0")
def _():
    t = torch.arange(3.)
    r, e, ws = capture(lambda: t.__dlpack__(max_version=(1, 0)))
    if e:
        return exc(e)
    # capsule name is in repr: <capsule object "dltensor_versioned" at ...>
    return "ok: " + repr(r).split('"')[1] if '"' in repr(r) else "ok: " + repr(r)[:60]


@probe("Tensor.__dlpack__.default_capsule")
def _():
    t = torch.arange(3.)
    r, e, ws = capture(lambda: t.__dlpack__())
    if e:
        return exc(e)
    return "ok: " + repr(r).split('"')[1] if '"' in repr(r) else "ok: " + repr(r)[:60]


@probe("Tensor.__dlpack__.stream_0_cpu")
def _():
    t = torch.arange(3.)
    r, e, ws = capture(lambda: t.__dlpack__(stream=0))
    return exc(e) if e else "ok"


@probe("np_from_dlpack.meta")
def _():
    t = torch.empty(3, device="meta")
    r, e, ws = capture(lambda: np.from_dlpack(t))
    return exc(e) if e else "ok"


@probe("np_from_dlpack.bfloat16")
def _():
    t = torch.zeros(3, dtype=torch.bfloat16)
    return outcome(lambda: np.from_dlpack(t), lambda r: f"ok: {r.dtype}")


def _float8(name="float8_e4m3fn"):
    return torch.zeros(3, dtype=getattr(torch, name))


@probe("np_from_dlpack.float8_e4m3fn")
def _():
    """Who refuses a dtype NumPy lacks: torch's producer (RuntimeError < 2.9, BufferError in
    2.9) or NumPy's consumer (RuntimeError "Unsupported dtype")."""
    return outcome(lambda: np.from_dlpack(_float8()), lambda r: f"ok: {r.dtype}")


@probe("Tensor.__dlpack__.float8_e4m3fn")
def _():
    return outcome(lambda: _float8().__dlpack__(), lambda r: "ok: exported")


@probe("np_from_dlpack.float8_e8m0fnu")
def _():
    return outcome(lambda: np.from_dlpack(_float8("float8_e8m0fnu")), lambda r: f"ok: {r.dtype}")


@probe("np_from_dlpack.copy_False")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.from_dlpack(t, copy=False),
                                lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()} writeable={r.flags.writeable}")


@probe("np_from_dlpack.signature")
def _():
    return signature_of(np.from_dlpack)


@probe("Tensor.__dlpack__.dl_device_kw")
def _():
    """The DLPack 1.0 keywords a consumer passes (NumPy >= 2.1 with copy= or device=)."""
    return outcome(lambda: torch.arange(3.).__dlpack__(dl_device=(1, 0)), lambda r: "ok")


@probe("Tensor.__dlpack__.copy_kw")
def _():
    return outcome(lambda: torch.arange(3.).__dlpack__(copy=False), lambda r: "ok")


@probe("ndarray.__dlpack__.readonly_unversioned")
def _():
    """NumPy-side: unversioned export of a read-only array (what pre-2.9 torch asks for)."""
    a = np.arange(3.)
    a.flags.writeable = False
    r, e, ws = capture(lambda: a.__dlpack__())
    return exc(e) if e else "ok"


@probe("from_dlpack.capsule_with_copy_kw")
def _():
    cap = torch.arange(3.).__dlpack__()
    r, e, ws = capture(lambda: torch.from_dlpack(cap, copy=True))
    return exc(e) if e else "ok"


@probe("from_dlpack.non_dlpack_input")
def _():
    r, e, ws = capture(lambda: torch.from_dlpack([1, 2]))
    return exc(e) if e else "ok"


@probe("dlpack.ReadOnlyTensorWrapper_exists")
def _():
    import torch.utils.dlpack as d
    return f"{hasattr(d, 'ReadOnlyTensorWrapper')}"


@probe("np_from_dlpack.ReadOnlyTensorWrapper")
def _():
    import torch.utils.dlpack as d
    if not hasattr(d, "ReadOnlyTensorWrapper"):
        return "n/a: torch.utils.dlpack.ReadOnlyTensorWrapper absent"
    ReadOnlyTensorWrapper = d.ReadOnlyTensorWrapper
    t = torch.arange(3.)
    return outcome(lambda: np.from_dlpack(ReadOnlyTensorWrapper(t)), lambda r: f"ok: writeable={r.flags.writeable} alias={ptr_np(r) == t.data_ptr()}")


@probe("torch_from_dlpack.ReadOnlyTensorWrapper")
def _():
    import torch.utils.dlpack as d
    if not hasattr(d, "ReadOnlyTensorWrapper"):
        return "n/a: torch.utils.dlpack.ReadOnlyTensorWrapper absent"
    ReadOnlyTensorWrapper = d.ReadOnlyTensorWrapper
    t = torch.arange(3.)
    r, e, ws = capture(lambda: torch.from_dlpack(ReadOnlyTensorWrapper(t)))
    if e:
        return {"result": exc(e), "warnings": ws}
    return {"result": f"ok: {type(r).__name__} alias={r.data_ptr() == t.data_ptr()}",
            "warnings": ws}


@probe("Tensor.__dlpack__.read_only_unversioned")
def _():
    t = torch.arange(3.)
    r, e, ws = capture(lambda: t.__dlpack__(read_only=True))
    return exc(e) if e else "ok"


@probe("np_from_dlpack.wrapper_read_only_versioned")
def _():
    """A producer object that forwards read_only=True to the versioned export."""
    t = torch.arange(3.)

    class W:
        def __dlpack__(self, **kw):
            kw.setdefault("max_version", (1, 0))
            return t.__dlpack__(read_only=True, **kw)

        def __dlpack_device__(self):
            return t.__dlpack_device__()

    return outcome(lambda: np.from_dlpack(W()), lambda r: f"ok: writeable={r.flags.writeable}")


# 4. asarray / scalars / buffers
@probe("asarray.0d_copy_False")
def _():
    a = np.array(3.0)
    return outcome(lambda: torch.asarray(a, copy=False), lambda r: f"ok: shares={r.data_ptr() == ptr_np(a)} {tdesc(r)}")


@probe("asarray.0d_default")
def _():
    a = np.array(3.0)
    return outcome(lambda: torch.asarray(a), lambda r: f"ok: shares={r.data_ptr() == ptr_np(a)} {tdesc(r)}")


@probe("asarray.0d_int")
def _():
    return outcome(lambda: torch.asarray(np.array(1)), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.1d_copy_False")
def _():
    a = np.arange(3.)
    return outcome(lambda: torch.asarray(a, copy=False), lambda r: f"ok: shares={r.data_ptr() == ptr_np(a)}")


@probe("asarray.bytearray8")
def _():
    return outcome(lambda: torch.asarray(bytearray(8)), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.bytearray8_shares")
def _():
    b = bytearray(8)
    r, e, ws = capture(lambda: torch.asarray(b))
    if e:
        return exc(e)
    b[0] = 1
    return f"ok: first byte write visible={r.view(torch.uint8)[0].item() == 1}"


@probe("asarray.array_i")
def _():
    return outcome(lambda: torch.asarray(array.array("i", [1, 2])), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.array_d")
def _():
    return outcome(lambda: torch.asarray(array.array("d", [1.5, -2.0])), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.array_i_dtype_int32")
def _():
    return outcome(lambda: torch.asarray(array.array("i", [1, 2]), dtype=torch.int32), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.memoryview_f64")
def _():
    return outcome(lambda: torch.asarray(memoryview(np.array([1.0, 2.0]))), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.bytes_b")
def _():
    return outcome(lambda: torch.asarray(b"\x01\x02\x03\x04"), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.bytearray7")
def _():
    return outcome(lambda: torch.asarray(bytearray(7)), lambda r: f"ok: {tdesc(r)}")


def _buf(make, values=True, **kw):
    def run():
        obj = make()
        r, e, ws = capture(lambda: torch.asarray(obj, **kw))
        if e:
            return exc(e)
        vals = f" {r.flatten().tolist()}" if values else " (values not recorded)"
        return f"ok: {r.dtype} shape={tuple(r.shape)}" + vals
    return run


_BUFFER_CASES = {
    # name: (factory, asarray kwargs)
    "asarray.buf.array_Q": (lambda: array.array("Q", [1, 2]), {}),
    "asarray.buf.array_b": (lambda: array.array("b", [-1, 2]), {}),
    "asarray.buf.array_f": (lambda: array.array("f", [1.5]), {}),
    "asarray.buf.memoryview_bool": (lambda: memoryview(np.array([True, False])), {}),
    "asarray.buf.memoryview_f16": (lambda: memoryview(np.array([1.5], dtype=np.float16)), {}),
    "asarray.buf.memoryview_c128": (lambda: memoryview(np.array([1 + 2j])), {}),
    "asarray.buf.memoryview_2d_f64": (lambda: memoryview(np.arange(6.).reshape(2, 3)), {}),
    "asarray.buf.memoryview_bigendian_i4": (lambda: memoryview(np.array([1], dtype=">i4")), {}),
    "asarray.buf.memoryview_longdouble": (lambda: memoryview(np.array([1.0], dtype=np.longdouble)), {}),
    "asarray.buf.memoryview_structured": (lambda: memoryview(np.zeros(2, dtype="i4,f4")), {}),
    "asarray.buf.memoryview_noncontig": (lambda: memoryview(np.arange(6.)[::2]), {}),
    "asarray.buf.bytearray8_dtype_f32": (lambda: bytearray(8), {"dtype": torch.float32}),
    "asarray.buf.array_i_dtype_f32": (lambda: array.array("i", [1, 2]), {"dtype": torch.float32}),
    "asarray.buf.array_i_copy_False": (lambda: array.array("i", [1, 2]), {"copy": False}),
}
for _n, (_mk, _kw) in _BUFFER_CASES.items():
    # an 80-bit long double has 6 uninitialised padding bytes: values vary per run
    PROBES[_n] = _buf(_mk, values="longdouble" not in _n, **_kw)


@probe("asarray.buf.ctypes_int_array")
def _():
    import ctypes
    obj = (ctypes.c_int * 2)(1, 2)
    return outcome(lambda: torch.asarray(obj), lambda r: f"ok: {r.dtype} {r.tolist()}")


@probe("asarray.buf.array_i_shares")
def _():
    b = array.array("i", [1, 2])
    r, e, ws = capture(lambda: torch.asarray(b))
    if e:
        return exc(e)
    b[0] = 7
    return f"ok: write visible={r.view(torch.int32)[0].item() == 7}"


@probe("frombuffer.no_dtype")
def _():
    return outcome(lambda: torch.frombuffer(array.array("i", [1, 2])), lambda r: f"ok: {r.dtype} {r.tolist()}")


@probe("asarray.np_float64_scalar")
def _():
    return outcome(lambda: torch.asarray(np.float64(0.5)), lambda r: f"ok: {tdesc(r)} dim={r.dim()}")


@probe("asarray.np_float64_scalar_copy_False")
def _():
    return outcome(lambda: torch.asarray(np.float64(0.5), copy=False), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.np_uint64_2p63")
def _():
    return outcome(lambda: torch.asarray(np.uint64(2 ** 63)), lambda r: f"ok: {tdesc(r)}")


@probe("tensor.np_bool_scalar")
def _():
    """torch.tensor/as_tensor of a NumPy bool scalar under each default dtype (issue 19: torch
    2.8.0 raised "'numpy.bool' object cannot be interpreted as an integer")."""
    def each():
        out = []
        for default in (torch.float32, torch.float64):
            torch.set_default_dtype(default)
            for name, fn in (("tensor", torch.tensor), ("as_tensor", torch.as_tensor)):
                out.append(f"{str(default)[6:]} {name}: " + outcome(lambda: fn(np.bool_(False)), lambda r: f"ok: {r.dtype}"))
        return "; ".join(out)
    return each()


@probe("tensor.np_uint64_5")
def _():
    return outcome(lambda: torch.tensor(np.uint64(5)), lambda r: f"ok: {tdesc(r)}")


@probe("as_tensor.np_uint64_5")
def _():
    return outcome(lambda: torch.as_tensor(np.uint64(5)), lambda r: f"ok: {tdesc(r)}")


@probe("tensor.np_uint32_5")
def _():
    return outcome(lambda: torch.tensor(np.uint32(5)), lambda r: f"ok: {tdesc(r)}")


@probe("tensor.np_uint16_5")
def _():
    return outcome(lambda: torch.tensor(np.uint16(5)), lambda r: f"ok: {tdesc(r)}")


@probe("asarray.readonly_copy_True_warns")
def _():
    a = np.arange(3.)
    a.flags.writeable = False
    r, e, ws = capture(lambda: torch.asarray(a, copy=True))
    return {"result": exc(e) if e else "ok", "warnings": ws}


@probe("asarray.readonly_0d_warns")
def _():
    a = np.array(3.0)
    a.flags.writeable = False
    r, e, ws = capture(lambda: torch.asarray(a))
    return {"result": exc(e) if e else f"ok: shares={r.data_ptr() == ptr_np(a)}",
            "warnings": ws}


# 5. Tensor.numpy / from_numpy warnings
@probe("Tensor.numpy.force_True")
def _():
    t = torch.arange(3.).requires_grad_()
    return outcome(lambda: t.numpy(force=True), lambda r: f"ok: alias={ptr_np(r) == t.data_ptr()}")


@probe("Tensor.numpy.force_sparse_meta")
def _():
    """numpy(force=True) checks the layout before it would move or copy anything."""
    t = torch.zeros(2).to_sparse().to("meta")
    return outcome(lambda: t.numpy(force=True), lambda r: "ok")


@probe("Tensor.tolist.quantized")
def _():
    t = torch.quantize_per_tensor(torch.tensor([1.0, 2.0]), 0.5, 1, torch.qint8)
    return outcome(lambda: t.tolist(), lambda r: f"ok: {r}")


@probe("Tensor.tolist.float8_e4m3fnuz")
def _():
    """tolist() of float8_e4m3fnuz against item() (bits 0x01: 2**-10, 0x7f: 240.0)."""
    t = torch.tensor([0x01, 0x7F], dtype=torch.uint8).view(torch.float8_e4m3fnuz)
    items = [t[i].item() for i in range(2)]
    return outcome(lambda: t.tolist(), lambda r: f"ok: {r} matches_item={r == items} item={items}")


@probe("asarray.0d_copy_True_dtype")
def _():
    a = np.array(1.0)
    return outcome(lambda: torch.asarray(a, dtype=torch.float32, copy=True), lambda r: f"ok: {tdesc(r)}")


@probe("Tensor.numpy.requires_grad_msg")
def _():
    t = torch.arange(3.).requires_grad_()
    r, e, ws = capture(lambda: t.numpy())
    return exc(e) if e else "ok"


@probe("Tensor.numpy.neg_bit_msg")
def _():
    t = torch.tensor([1 + 2j, 3 - 4j]).conj().imag
    return outcome(lambda: t.numpy(), lambda r: f"ok: {r.tolist()}")


@probe("Tensor.numpy.sparse_msg")
def _():
    t = torch.eye(2).to_sparse()
    r, e, ws = capture(lambda: t.numpy())
    return exc(e) if e else "ok"


@probe("Tensor.numpy.meta_msg")
def _():
    t = torch.empty(2, device="meta")
    r, e, ws = capture(lambda: t.numpy())
    return exc(e) if e else "ok"


@probe("from_numpy.readonly_warning")
def _():
    a = np.arange(3.)
    a.flags.writeable = False
    r, e, ws = capture(lambda: torch.from_numpy(a))
    return {"result": exc(e) if e else "ok", "warnings": ws}


@probe("float.requires_grad_warning")
def _():
    t = torch.tensor(1.5, requires_grad=True)
    r, e, ws = capture(lambda: float(t))
    return {"result": exc(e) if e else f"ok: {r}", "warnings": ws}


@probe("quantize_per_tensor.warning")
def _():
    r, e, ws = capture(lambda: torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8))
    return {"result": exc(e) if e else "ok", "warnings": ws}


# 6. operators
@probe("op.ufunc_on_tensor_warnings")
def _():
    """np.sin on a tensor: a Tensor through __array_wrap__; NumPy 2 passes return_scalar, which
    torch's one-argument __array_wrap__ does not take (a DeprecationWarning)."""
    t = torch.tensor([1., 2.])
    return outcome_and_warnings(lambda: np.sin(t), lambda r: f"ok: {type(r).__name__}")


@probe("tensor.bool_int_sequence")
def _():
    """An integer sequence holding a NumPy bool: stored through __index__, which np.bool_ has
    only before NumPy 2.0."""
    return outcome(lambda: torch.tensor([np.bool_(True), np.int8(1)]), lambda r: f"ok: {tdesc(r)}")


@probe("op.tensor_ne_ndarray")
def _():
    t = torch.tensor([1., 2.])
    return outcome(lambda: t != np.array([1., 3.]), lambda r: f"ok: {type(r).__name__} {r.tolist() if hasattr(r, 'tolist') else r}")


@probe("op.tensor_eq_ndarray")
def _():
    t = torch.tensor([1., 2.])
    return outcome(lambda: t == np.array([1., 3.]), lambda r: f"ok: {type(r).__name__} {r.tolist() if hasattr(r, 'tolist') else r}")


@probe("op.ndarray_eq_tensor")
def _():
    t = torch.tensor([1., 2.])
    return outcome(lambda: np.array([1., 3.]) == t, lambda r: f"ok: {type(r).__name__} {r.tolist() if hasattr(r, 'tolist') else r}")


@probe("op.ndarray_plus_tensor")
def _():
    t = torch.tensor([1., 2.])
    return outcome(lambda: np.array([1., 3.]) + t, lambda r: f"ok: {type(r).__name__}")


@probe("op.f16tensor_plus_int64ndarray")
def _():
    t = torch.tensor([1., 2.], dtype=torch.float16)
    return outcome(lambda: t + np.array([1, 3]), lambda r: f"ok: {type(r).__name__} {r.dtype}")


@probe("op.int64tensor_plus_np_uint64_max")
def _():
    """An operand beyond int64: refused, or computed (by NumPy, through Tensor.__array__)?"""
    t = torch.tensor([1, 2], dtype=torch.int64)
    return outcome(lambda: t + np.uint64(2 ** 64 - 1), lambda r: f"ok: {type(r).__name__} {r.dtype}")


@probe("op.np_uint64_max_div_float32tensor")
def _():
    t = torch.tensor([1., 2.], dtype=torch.float32)
    return outcome(lambda: np.uint64(2 ** 64 - 1) / t, lambda r: f"ok: {type(r).__name__} {r.dtype}")


@probe("op.bool_tensor_and_np_bool")
def _():
    """A NumPy bool as a bitwise operand: read as a float scalar, which no bitwise kernel takes
    (RuntimeError before torch 2.8, NotImplementedError from 2.8.0 on)."""
    t = torch.tensor([True, False])
    return outcome(lambda: t & np.bool_(True), lambda r: f"ok: {tdesc(r)}")


@probe("op.np_bool_lshift_uint8_tensor")
def _():
    """The same, NumPy bool first, on a uint8 tensor (Tensor.__rlshift__)."""
    t = torch.tensor([1, 2], dtype=torch.uint8)
    return outcome(lambda: np.bool_(True) << t, lambda r: f"ok: {tdesc(r)}")


@probe("op.bool_tensor_eq_bool_0d_ndarray")
def _():
    """t == a with a bool tensor and a 0-d bool ndarray (op.tensor_eq_ndarray for bools)."""
    t = torch.tensor([True, False])
    return outcome(lambda: t == np.array(True), lambda r: f"ok: {type(r).__name__} {r.tolist() if hasattr(r, 'tolist') else r}")


@probe("op.uint8tensor_plus_np_uint64_2p63")
def _():
    t = torch.tensor([1, 2], dtype=torch.uint8)
    return outcome(lambda: t + np.uint64(2 ** 63), lambda r: f"ok: {type(r).__name__} {r.dtype}")


@probe("np_asarray.dtype_f64")
def _():
    t = torch.arange(3.)
    return outcome_and_warnings(lambda: np.asarray(t, dtype=np.float64), lambda r: f"ok: {r.dtype}")


@probe("np_array.list_of_tensors")
def _():
    return outcome_and_warnings(lambda: np.array([torch.ones(2), torch.zeros(2)]), lambda r: f"ok: {type(r).__name__} {r.dtype} {r.shape}")


@probe("np_concatenate.tensors")
def _():
    t = torch.arange(2.)
    return outcome_and_warnings(lambda: np.concatenate([t, t]), lambda r: f"ok: {type(r).__name__}")


@probe("np_sum.tensor")
def _():
    t = torch.arange(2.)
    return outcome_and_warnings(lambda: np.sum(t), lambda r: f"ok: {type(r).__name__} {r}")


@probe("Tensor.__array_priority__")
def _():
    return str(getattr(torch.Tensor, "__array_priority__", "absent"))


@probe("Tensor.__dlpack_device__")
def _():
    return outcome(lambda: torch.arange(2.).__dlpack_device__(), lambda r: f"ok: {r!r}")


@probe("from_dlpack.bool_ndarray")
def _():
    return outcome(lambda: torch.from_dlpack(np.array([True, False])), lambda r: f"ok: {tdesc(r)}")


# --------------------------------------------------------------- runner
def _crash_detail(path):
    """First informative stderr line of a crashed child (e.g. the c10::Error what())."""
    try:
        with open(path, errors="replace") as f:
            lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
    except OSError:
        return ""
    for key in ("what():", "Error", "error", "Fatal"):
        for ln in lines:
            if key in ln:
                return _cut(ln)
    return _cut(lines[0]) if lines else ""


def run_one(fn, timeout):
    rfd, wfd = os.pipe()
    efd, epath = tempfile.mkstemp(prefix="probe-stderr-")
    pid = os.fork()
    if pid == 0:  # child
        os.close(rfd)
        os.dup2(efd, 2)  # keep a crash's C++ message for the record
        try:
            signal.alarm(timeout)
            try:
                out = fn()
            except BaseException as e:
                out = "probe-error: " + exc(e)
            data = json.dumps(out, default=str).encode()
        except BaseException as e:
            data = json.dumps("probe-error: " + exc(e)).encode()
        with os.fdopen(wfd, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    os.close(efd)
    detail = _crash_detail(epath)
    os.unlink(epath)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"crash:{signal.Signals(sig).name}" + (f" | {detail}" if detail else "")
    if os.WEXITSTATUS(status) != 0 or not data:
        return f"crash:exit{os.WEXITSTATUS(status)}" + (f" | {detail}" if detail else "")
    return json.loads(data)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="write JSON here instead of stdout")
    ap.add_argument("--only", nargs="*", help="probe names (prefix match)")
    ap.add_argument("--timeout", type=int, default=60)
    ns = ap.parse_args(argv)
    result = {"env": env_info(), "import": IMPORT_INFO, "probes": {}}
    for name, fn in PROBES.items():
        if ns.only and not any(name.startswith(p) for p in ns.only):
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        result["probes"][name] = run_one(fn, ns.timeout)
    text = json.dumps(result, indent=1, sort_keys=False)
    if ns.out:
        os.makedirs(os.path.dirname(os.path.abspath(ns.out)), exist_ok=True)
        with open(ns.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
