"""The catalogue of mutants: realistic regressions of the bridge, one public function each.

A mutant is registered (into ``registry.CATALOGUE``) by decorating ``make(original) -> replacement``::

    @mutant("torch.from_numpy", shows="not shares(a := np.arange(3.0), torch.from_numpy(a))")
    def from_numpy_copies(from_numpy):
        \"\"\"torch.from_numpy returns a copy instead of sharing the array's memory.\"\"\"
        return _changing_result(from_numpy, _clone)

- most replacements are one of three changes: ``_dropping`` a keyword the regression ignores,
  ``_changing_input`` or ``_changing_result`` where a condition holds; the rest spell out
  their wrapper;
- the name is the function's, with dashes; the docstring is the one-line description of the
  regression (what a torch or NumPy release could plausibly ship);
- ``target`` is the public attribute replaced for the run (``torch.Tensor.numpy`` patches the
  method; ``numpy.from_dlpack`` the module attribute);
- ``shows`` is an expression that is true once the mutant is applied: proof that the fault is
  live (names: ``np``, ``torch``, ``shares(a, t)``, ``outcome(fn)``, ``observe``,
  ``fresh_warnings(code)``); a survivor whose ``shows`` holds is a gap in the properties, not a
  dead mutant;
- ``first``: node-id fragments of the properties expected to kill it. They only run first (the
  rest of the suite follows), so a kill is quick; a wrong hint costs time, never a verdict.

``make`` raises ``NotApplicable`` when the installed versions lack what the regression needs
(a keyword that does not exist yet). Wrappers change only the inputs their description names
and pass everything else to the original, so the library's own uses of torch (``build``,
``equality``) are untouched.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
import torch

from bridgecheck.contract import observe
from bridgecheck.memory import shares_memory
from bridgecheck.mutants.registry import APPLIED, MUTANT_ENV, SITE_DIR, NotApplicable, mutant

# --- names for ``shows`` and for the wrappers -----------------------------------------------


def shares(a: np.ndarray, t: torch.Tensor) -> bool:
    return shares_memory(a, t)


def outcome(fn: Callable[[], object]) -> str:
    """``"returned"`` or the name of the exception ``fn()`` raised."""
    return observe(fn).kind


_FRESH = """
import json, sys, warnings, numpy as np, torch
a = np.arange(4.0)
a.flags.writeable = False
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    eval(sys.argv[1])
print(json.dumps([str(w.message) for w in caught]))
"""


def fresh_warnings(code: str) -> list[str]:
    """Warnings of ``code`` (over a read-only float64 array ``a``) in a new interpreter, with
    the mutant applied in this process applied there too: torch warns about read-only arrays
    once per process, so only a fresh one shows whether a call warns."""
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != MUTANT_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(SITE_DIR), *sys.path])
    if APPLIED:
        env[MUTANT_ENV] = next(iter(APPLIED))
    out = subprocess.run([sys.executable, "-c", _FRESH, code], capture_output=True, text=True, env=env, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _array(x) -> bool:
    return isinstance(x, np.ndarray)


def _negative_strides(a: np.ndarray) -> bool:
    return any(s < 0 for s in a.strides)


def _has_copy_keyword(fn: Callable, probe: Callable[[], object] | None = None) -> None:
    """Raise ``NotApplicable`` unless ``fn`` takes ``copy=``: from its signature, or, for a
    builtin without one, by calling ``probe`` (a call of ``fn`` passing ``copy=None``)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature
        if probe is None:
            return
        try:
            probe()
        except TypeError as exc:
            raise NotApplicable(f"{getattr(fn, '__qualname__', fn)} takes no copy= keyword on this version "
                                f"({exc})") from None
        return
    if "copy" not in params:
        raise NotApplicable(f"{getattr(fn, '__qualname__', fn)} has no copy= keyword on this version")


# --- the three ways a mutant changes a function ----------------------------------------------
# ``when`` sees the call's first argument (the array, tensor or buffer; ``self`` for methods)
# and, where it says so, the keyword arguments.


def _dropping(original: Callable, keyword: str, when=lambda obj, kwargs: True) -> Callable:
    """``original``, ignoring ``keyword`` in calls where ``when(obj, kwargs)`` holds."""

    def mutated(obj, *args, **kwargs):
        if keyword in kwargs and when(obj, kwargs):
            del kwargs[keyword]
        return original(obj, *args, **kwargs)

    return mutated


def _changing_input(original: Callable, change: Callable, when: Callable) -> Callable:
    """``original`` called on ``change(obj)`` instead of ``obj`` where ``when(obj)`` holds."""
    return lambda obj, *args, **kwargs: original(change(obj) if when(obj) else obj, *args, **kwargs)


def _changing_result(original: Callable, change: Callable, when=lambda obj, kwargs: True) -> Callable:
    """``original`` whose result passes through ``change`` where ``when(obj, kwargs)`` holds."""

    def mutated(obj, *args, **kwargs):
        out = original(obj, *args, **kwargs)
        return change(out) if when(obj, kwargs) else out

    return mutated


def _clone(t: torch.Tensor) -> torch.Tensor:
    return t.clone()


# --- ndarray -> tensor: sharing --------------------------------------------------------------


@mutant("torch.from_numpy", shows="not shares(a := np.arange(3.0), torch.from_numpy(a))",
        first="test_converts_accepted_arrays[torch.from_numpy()]")
def from_numpy_copies(from_numpy):
    """torch.from_numpy returns a copy instead of sharing the array's memory."""
    return _changing_result(from_numpy, _clone)


@mutant("torch.as_tensor", shows="not shares(a := np.arange(3.0), torch.as_tensor(a))",
        first="test_converts_accepted_arrays[torch.as_tensor()]")
def as_tensor_copies(as_tensor):
    """torch.as_tensor copies NumPy arrays it could share."""
    return _changing_result(as_tensor, _clone, when=lambda data, kw: _array(data))


@mutant("torch.asarray", shows="not shares(a := np.arange(3.0), torch.asarray(a, copy=False))",
        first="test_converts_accepted_arrays[torch.asarray(copy=False)]")
def asarray_copy_false_copies(asarray):
    """torch.asarray(ndarray, copy=False) silently returns a copy."""
    return _changing_result(asarray, _clone, when=lambda obj, kw: _array(obj) and kw.get("copy") is False)


@mutant("torch.asarray", shows="shares(a := np.arange(3.0), torch.asarray(a, copy=True))",
        first="test_converts_accepted_arrays[torch.asarray(copy=True)]")
def asarray_copy_true_aliases(asarray):
    """torch.asarray(ndarray, copy=True) ignores copy=True and shares the array."""
    return _dropping(asarray, "copy", when=lambda obj, kw: _array(obj) and kw["copy"] is True)


@mutant("torch.tensor", shows="shares(a := np.arange(3.0), torch.tensor(a))",
        first="test_converts_accepted_arrays[torch.tensor()]")
def tensor_aliases(tensor):
    """torch.tensor(ndarray) shares the array instead of always copying."""

    def mutated(data, *args, **kwargs):
        if _array(data) and not args and not kwargs:
            return torch.as_tensor(data)
        return tensor(data, *args, **kwargs)

    return mutated


@mutant("torch.from_dlpack", shows="not shares(a := np.arange(3.0), torch.from_dlpack(a))",
        first="test_converts_accepted_arrays[torch.from_dlpack()]")
def from_dlpack_copies(from_dlpack):
    """torch.from_dlpack copies by default instead of sharing the producer's memory."""
    return _changing_result(from_dlpack, _clone, when=lambda ext, kw: kw.get("copy") is None)


@mutant("torch.from_dlpack", shows="shares(a := np.arange(3.0), torch.from_dlpack(a, copy=True))",
        first="test_converts_accepted_arrays[torch.from_dlpack(copy=True)]")
def from_dlpack_ignores_copy(from_dlpack):
    """torch.from_dlpack(x, copy=True) ignores the copy keyword and shares."""
    _has_copy_keyword(from_dlpack)
    return _dropping(from_dlpack, "copy", when=lambda ext, kw: kw["copy"] is True)


@mutant("torch.frombuffer", shows="not shares(a := np.arange(3.0), torch.frombuffer(a, dtype=torch.uint8))",
        first="test_frombuffer_views_the_raw_bytes")
def frombuffer_copies(frombuffer):
    """torch.frombuffer copies the buffer instead of viewing it."""
    return _changing_result(frombuffer, _clone)


# --- ndarray -> tensor: dtypes ---------------------------------------------------------------


@mutant("torch.from_numpy", shows="torch.from_numpy(np.zeros(2, np.float16)).dtype == torch.float32",
        first="test_conversion_grid[torch.from_numpy()]")
def from_numpy_widens_float16(from_numpy):
    """torch.from_numpy maps float16 arrays to float32 tensors (a dtype-table slip)."""
    return _changing_result(from_numpy, lambda t: t.float(), when=lambda a, kw: _array(a) and a.dtype == np.float16)


@mutant("torch.from_numpy", shows="outcome(lambda: torch.from_numpy(np.zeros(2, np.uint16))) == 'TypeError'",
        first="test_conversion_grid[torch.from_numpy()]")
def from_numpy_refuses_uint16(from_numpy):
    """torch.from_numpy refuses uint16 arrays again, as before torch 2.3."""

    def mutated(a):
        if _array(a) and a.dtype == np.uint16:
            raise TypeError("can't convert np.ndarray of type numpy.uint16. The only supported types are: "
                            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                            "uint8, and bool.")
        return from_numpy(a)

    return mutated


@mutant("torch.tensor", shows="torch.tensor(np.zeros(2)).dtype == torch.get_default_dtype() == torch.float32",
        first="test_ignores_the_default_dtype[torch.tensor()]")
def tensor_float64_follows_default_dtype(tensor):
    """torch.tensor(float64 ndarray) casts to the default dtype, as it does for Python floats."""
    return _changing_result(
        tensor, lambda t: t.to(torch.get_default_dtype()),
        when=lambda data, kw: _array(data) and data.dtype == np.float64 and kw.get("dtype") is None,
    )


@mutant("torch.tensor", shows="torch.tensor(np.zeros(2, np.int8), dtype=torch.int16).dtype == torch.int8",
        first="test_conversion_with_dtype_casts_into_a_copy[torch.tensor(a, dtype=d)]")
def tensor_ignores_dtype(tensor):
    """torch.tensor(ndarray, dtype=d) keeps the array's dtype and ignores d."""
    return _dropping(tensor, "dtype", when=lambda data, kw: _array(data))


@mutant("torch.asarray",
        shows="torch.asarray(np.array([2**24 + 1], np.int32), dtype=torch.float64).item() != 2**24 + 1",
        first="test_conversion_with_dtype_casts_into_a_copy[torch.asarray(a, dtype=d)]")
def asarray_casts_through_float32(asarray):
    """torch.asarray(int32/int64/uint32 ndarray, dtype=float64) casts through float32 and rounds."""

    def mutated(obj, *args, **kwargs):
        if _array(obj) and kwargs.get("dtype") == torch.float64 and obj.dtype.kind in "iu" and obj.dtype.itemsize >= 4:
            return asarray(obj, *args, **{**kwargs, "dtype": torch.float32}).double()
        return asarray(obj, *args, **kwargs)

    return mutated


@mutant("torch.as_tensor", shows="torch.as_tensor(np.zeros(2, bool)).dtype == torch.uint8",
        first="test_converts_accepted_arrays[torch.as_tensor()]")
def as_tensor_bool_becomes_uint8(as_tensor):
    """torch.as_tensor(bool ndarray) returns a uint8 tensor over the same bytes."""
    return _changing_result(
        as_tensor, lambda t: t.view(torch.uint8),
        when=lambda data, kw: _array(data) and data.dtype == np.bool_ and kw.get("dtype") is None,
    )


# --- ndarray -> tensor: refusals, errors and warnings ----------------------------------------


@mutant("torch.from_numpy", shows="outcome(lambda: torch.from_numpy(np.arange(3.0)[::-1])) == 'returned'",
        first="test_refuses_negative_strides[torch.from_numpy()]")
def from_numpy_copies_negative_strides(from_numpy):
    """torch.from_numpy copies arrays with negative strides instead of refusing them."""
    return _changing_input(from_numpy, lambda a: a.copy(), when=lambda a: _array(a) and _negative_strides(a))


@mutant("torch.tensor", shows="outcome(lambda: torch.tensor(np.arange(3.0)[::-1])) == 'returned'",
        first="test_refuses_negative_strides[torch.tensor()]")
def tensor_copies_negative_strides(tensor):
    """torch.tensor copies arrays with negative strides (it copies anyway) instead of refusing."""
    return _changing_input(tensor, lambda a: a.copy(), when=lambda a: _array(a) and _negative_strides(a))


@mutant("torch.asarray", shows="outcome(lambda: torch.asarray(np.arange(3.0)[::-1])) == 'RuntimeError'",
        first="test_refuses_negative_strides[torch.asarray()]")
def asarray_negative_strides_raise_runtime_error(asarray):
    """torch.asarray refuses negative strides with RuntimeError instead of ValueError."""

    def mutated(obj, *args, **kwargs):
        try:
            return asarray(obj, *args, **kwargs)
        except ValueError as exc:
            if "negative" in str(exc):
                raise RuntimeError(str(exc)) from None
            raise

    return mutated


@mutant("torch.from_numpy",
        shows="'multiple' not in "
              "str(observe(torch.from_numpy, np.lib.stride_tricks.as_strided(np.zeros(4), (2,), (3,))).exc)",
        first="test_refuses_strides_off_the_item_grid[torch.from_numpy()]")
def from_numpy_rewords_stride_error(from_numpy):
    """torch.from_numpy's error for strides off the item grid loses its documented wording."""

    def mutated(a):
        try:
            return from_numpy(a)
        except ValueError as exc:
            if "multiple of the element byte size" in str(exc):
                raise ValueError("given numpy array has unsupported strides") from None
            raise

    return mutated


@mutant("torch.as_tensor", shows="outcome(lambda: torch.as_tensor(np.zeros(2, '>f8'))) == 'returned'",
        first="test_refuses_non_native_byte_order[torch.as_tensor()]")
def as_tensor_swaps_byte_order(as_tensor):
    """torch.as_tensor accepts non-native byte order by converting into a copy."""
    return _changing_input(as_tensor, lambda a: a.astype(a.dtype.newbyteorder("=")),
                           when=lambda a: _array(a) and not a.dtype.isnative)


@mutant("torch.from_numpy", shows="outcome(lambda: torch.from_numpy(np.float64(1))) == 'returned'",
        first="test_from_numpy_refuses_numpy_scalars")
def from_numpy_accepts_numpy_scalars(from_numpy):
    """torch.from_numpy accepts NumPy scalars (as 0-d arrays) instead of refusing non-arrays."""
    return _changing_input(from_numpy, np.asarray, when=lambda a: isinstance(a, np.generic))


@mutant("torch.tensor", shows="outcome(lambda: torch.tensor(np.zeros(2), pin_memory=True)) == 'returned'",
        first="test_tensor_refuses_pinning_numpy_data")
def tensor_ignores_pin_memory(tensor):
    """torch.tensor(ndarray, pin_memory=True) silently ignores pin_memory instead of refusing."""
    return _dropping(tensor, "pin_memory", when=lambda data, kw: _array(data))


@mutant("torch.asarray",
        shows="outcome(lambda: torch.asarray(np.zeros(2), dtype=torch.float32, copy=False)) == 'returned'",
        first="test_asarray_copy_false_refuses_a_dtype_change")
def asarray_copy_false_casts(asarray):
    """torch.asarray(ndarray, dtype=other, copy=False) casts into a copy instead of raising."""
    return _dropping(asarray, "copy", when=lambda obj, kw: _array(obj) and kw["copy"] is False
                     and kw.get("dtype") is not None and "device" not in kw)


@mutant("torch.asarray", shows="outcome(lambda: torch.asarray(np.float32(1), copy=False)) == 'returned'",
        first="test_asarray_copy_false_refuses_numpy_scalars")
def asarray_copy_false_copies_scalars(asarray):
    """torch.asarray(NumPy scalar, copy=False) returns a copy instead of raising."""
    return _dropping(asarray, "copy", when=lambda obj, kw: isinstance(obj, np.generic) and kw["copy"] is False)


@mutant("torch.asarray",
        shows="outcome(lambda: torch.asarray(np.zeros(2), device='meta', copy=False)) == 'returned'",
        first="test_asarray_copy_false_refuses_a_device_change")
def asarray_copy_false_moves_device(asarray):
    """torch.asarray(ndarray, device=other, copy=False) copies to the device instead of raising."""
    return _dropping(asarray, "copy",
                     when=lambda obj, kw: _array(obj) and kw["copy"] is False and kw.get("device") is not None)


@mutant("torch.frombuffer",
        shows="torch.frombuffer(np.arange(4, dtype=np.uint8), dtype=torch.uint8, offset=1)[0].item() == 0",
        first="test_frombuffer_views_the_raw_bytes")
def frombuffer_ignores_offset(frombuffer):
    """torch.frombuffer ignores offset= and reads from the start of the buffer."""
    return _dropping(frombuffer, "offset")


@mutant("torch.frombuffer",
        shows="outcome(lambda: torch.frombuffer(np.zeros((2, 2)).T, dtype=torch.uint8)) == 'returned'",
        first="test_frombuffer_refuses_non_contiguous_arrays")
def frombuffer_copies_non_contiguous(frombuffer):
    """torch.frombuffer copies non-contiguous arrays into a buffer instead of refusing them."""
    return _changing_input(frombuffer, np.ascontiguousarray,
                           when=lambda b: _array(b) and not b.flags.c_contiguous)


@mutant("torch.frombuffer",
        shows="outcome(lambda: torch.frombuffer(np.zeros(4, np.uint8), dtype=torch.uint8, count=0)) == 'returned'",
        first="test_frombuffer_refuses_windows_outside_the_buffer")
def frombuffer_accepts_count_zero(frombuffer):
    """torch.frombuffer(count=0) returns an empty tensor instead of refusing."""

    def mutated(buffer, *args, **kwargs):
        if kwargs.get("count") == 0:
            return torch.empty(0, dtype=kwargs.get("dtype"))
        return frombuffer(buffer, *args, **kwargs)

    return mutated


@mutant("torch.from_numpy", shows="not fresh_warnings('torch.from_numpy(a)')",
        first="test_readonly_warning_contract")
def from_numpy_stops_warning_on_read_only(from_numpy):
    """torch.from_numpy no longer warns that a read-only array gives a writable alias."""

    def mutated(a):
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not writable")
            return from_numpy(a)

    return mutated


@mutant("torch.tensor", shows="any('not writable' in str(w.message) for w in "
        "observe(torch.tensor, np.lib.stride_tricks.as_strided(np.zeros(2), writeable=False)).warnings)",
        first="test_readonly_warning_contract")
def tensor_warns_on_read_only(tensor):
    """torch.tensor warns about read-only arrays although it copies them (#93413 come back)."""

    def mutated(data, *args, **kwargs):
        if _array(data) and not data.flags.writeable:
            import warnings

            warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable "
                          "tensors. This means writing to this tensor will result in undefined behavior.",
                          UserWarning, stacklevel=2)
        return tensor(data, *args, **kwargs)

    return mutated


# --- ndarray -> tensor: 0-d arrays and NumPy scalars -----------------------------------------


@mutant("torch.from_numpy", shows="torch.from_numpy(np.array(1.0)).shape == (1,)",
        first="test_converts_accepted_arrays[torch.from_numpy()]")
def from_numpy_0d_becomes_1d(from_numpy):
    """torch.from_numpy turns 0-d arrays into 1-element 1-d tensors."""
    return _changing_result(from_numpy, lambda t: t.reshape(1), when=lambda a, kw: _array(a) and a.ndim == 0)


@mutant("torch.as_tensor", shows="not shares(a := np.array(1.0), torch.as_tensor(a))",
        first="test_converts_accepted_arrays[torch.as_tensor()]")
def as_tensor_copies_0d(as_tensor):
    """torch.as_tensor copies 0-d arrays, taking them for NumPy scalars (as asarray does)."""
    return _changing_result(as_tensor, _clone, when=lambda data, kw: _array(data) and data.ndim == 0)


@mutant("torch.tensor", shows="torch.tensor(np.int8(3)).dtype == torch.int64",
        first="test_numpy_scalar_becomes_a_0d_tensor_of_its_dtype")
def tensor_reads_scalars_as_python_numbers(tensor):
    """torch.tensor(NumPy scalar) reads the scalar as a Python number and loses its dtype."""
    return _changing_input(tensor, lambda s: s.item(),
                           when=lambda s: isinstance(s, np.generic) and s.dtype.kind in "biufc")


@mutant("torch.asarray", shows="torch.asarray(np.float32(1)).shape == (1,)",
        first="test_numpy_scalar_becomes_a_0d_tensor_of_its_dtype")
def asarray_scalar_becomes_1d(asarray):
    """torch.asarray(NumPy scalar) returns a 1-element 1-d tensor instead of a 0-d one."""
    return _changing_result(asarray, lambda t: t.reshape(1), when=lambda obj, kw: isinstance(obj, np.generic))


# --- ndarray -> tensor: values and geometry --------------------------------------------------


def _owner(a: np.ndarray) -> np.ndarray | None:
    base = a.base
    return base if isinstance(base, np.ndarray) and base.base is None else None


@mutant("torch.from_numpy", shows="torch.from_numpy(np.arange(4.0)[1:]).tolist() == [0.0, 1.0, 2.0]",
        first="test_conversion_grid[torch.from_numpy()]")
def from_numpy_ignores_view_offset(from_numpy):
    """torch.from_numpy of a view that starts inside its base reads from the base's first byte."""

    def mutated(a):
        t = from_numpy(a)
        owner = _owner(a) if _array(a) else None
        if owner is None or owner.dtype != a.dtype or not owner.flags.c_contiguous or a.size == 0:
            return t
        delta = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
        if delta <= 0 or delta % a.itemsize:
            return t
        return from_numpy(owner.reshape(-1)).as_strided(t.shape, t.stride(), 0)

    return mutated


@mutant("torch.from_numpy", shows="torch.from_numpy(np.asfortranarray(np.eye(2, 3))).stride() == (3, 1)",
        first="test_conversion_grid[torch.from_numpy()]")
def from_numpy_fortran_as_c_order(from_numpy):
    """torch.from_numpy gives Fortran-ordered arrays C-order strides over the same memory."""

    def mutated(a):
        t = from_numpy(a)
        if _array(a) and a.flags.f_contiguous and not a.flags.c_contiguous:
            c_strides = torch.empty(t.shape, dtype=torch.uint8).stride()
            return t.as_strided(t.shape, c_strides)
        return t

    return mutated


def _rewrite_floats(t: torch.Tensor, fn) -> torch.Tensor:
    """Overwrite a real floating tensor in place with ``fn(t)`` (keeps leaf-ness and strides)."""
    if t.is_floating_point() and t.numel():
        with torch.no_grad():
            t.copy_(fn(t.detach()))
    return t


@mutant("torch.tensor",
        shows="np.array(torch.tensor(np.array([-np.nan])).tolist()).view(np.uint64)[0] == 0x7FF8000000000000",
        first="test_converts_accepted_arrays[torch.tensor()]")
def tensor_canonicalises_nan(tensor):
    """torch.tensor(ndarray) replaces every NaN by the canonical quiet NaN (payload and sign lost)."""
    nan = float("nan")
    return _changing_result(
        tensor, lambda t: _rewrite_floats(t, lambda x: torch.where(x.isnan(), torch.full_like(x, nan), x)),
        when=lambda data, kw: _array(data),
    )


@mutant("torch.tensor", shows="not torch.tensor(np.array([-0.0])).signbit().item()",
        first=("test_converts_accepted_arrays[torch.tensor()]", "test_conversion_grid[torch.tensor()]"))
def tensor_flushes_negative_zero(tensor):
    """torch.tensor(ndarray) turns -0.0 into +0.0 (a copy kernel that adds zero)."""
    return _changing_result(
        tensor, lambda t: _rewrite_floats(t, lambda x: torch.where(x == 0, torch.zeros_like(x), x)),
        when=lambda data, kw: _array(data),
    )


# --- ndarray -> tensor: autograd -------------------------------------------------------------


@mutant("torch.asarray", shows="not torch.asarray(np.zeros(2), requires_grad=True).requires_grad",
        first="test_converts_accepted_arrays_requiring_grad[torch.asarray(requires_grad=True)]")
def asarray_drops_requires_grad(asarray):
    """torch.asarray(ndarray, requires_grad=True) ignores requires_grad."""
    return _dropping(asarray, "requires_grad", when=lambda obj, kw: _array(obj))


@mutant("torch.tensor",
        shows="outcome(lambda: torch.tensor(np.zeros(2, np.int64), requires_grad=True)) == 'returned'",
        first="test_requires_grad_refused_for_integer_arrays")
def tensor_accepts_requires_grad_on_integers(tensor):
    """torch.tensor(integer ndarray, requires_grad=True) drops requires_grad instead of refusing."""
    return _dropping(tensor, "requires_grad", when=lambda data, kw: _array(data) and data.dtype.kind in "biu")


# --- devices ---------------------------------------------------------------------------------


@mutant("torch.Tensor.to", shows="(t := torch.zeros(2)).to('cpu', copy=True) is t",
        first="test_to_with_copy_true_is_a_bit_exact_copy")
def to_ignores_copy(to):
    """Tensor.to(..., copy=True) returns the tensor itself when nothing else changes."""
    return _dropping(to, "copy")


@mutant("torch.Tensor.to",
        shows="torch.tensor([0.1], dtype=torch.float64).to('cpu', copy=True).item() != 0.1",
        first="test_tensor_to_copy_true_keeps_every_bit")
def to_rounds_through_float32(to):
    """Tensor.to rounds float64/complex128 data through single precision when it copies."""
    narrow = {torch.float64: torch.float32, torch.complex128: torch.complex64}

    def mutated(self, *args, **kwargs):
        out = to(self, *args, **kwargs)
        if out is not self and out.dtype == self.dtype and out.dtype in narrow and out.numel():
            with torch.no_grad():
                out.copy_(out.detach().resolve_conj().resolve_neg().to(narrow[out.dtype]).to(out.dtype))
        return out

    return mutated


@mutant("torch.Tensor.cpu", shows="(t := torch.zeros(2)).cpu() is not t",
        first="test_cpu_and_to_cpu_return_the_tensor_itself")
def cpu_copies(cpu):
    """Tensor.cpu() on a CPU tensor returns a copy instead of the tensor itself."""

    def mutated(self, *args, **kwargs):
        out = cpu(self, *args, **kwargs)
        return out.clone() if out is self else out

    return mutated


@mutant("torch.Tensor.__dlpack_device__", shows="tuple(map(int, torch.zeros(2).__dlpack_device__())) == (3, 0)",
        first="test_dlpack_device_of_cpu_tensors")
def dlpack_device_reports_pinned(dlpack_device):
    """Tensor.__dlpack_device__ reports kDLCUDAHost (pinned) for plain CPU tensors."""

    def mutated(self):
        kind, index = dlpack_device(self)
        return (3, index) if int(kind) == 1 else (kind, index)

    return mutated


# --- known deviations fixed upstream: the suite must notice and say so -----------------------


@mutant("torch.from_numpy", shows="outcome(lambda: torch.from_numpy(np.zeros(2, 'Q'))) == 'returned'",
        first=("test_deviation_witness[ulonglong-refused]", "test_converts_accepted_arrays[torch.from_numpy()]"))
def from_numpy_accepts_ulonglong(from_numpy):
    """torch.from_numpy accepts ulonglong arrays (upstream fixes ulonglong-refused)."""
    return _changing_input(from_numpy, lambda a: a.view(np.uint64), when=lambda a: _array(a) and a.dtype.char == "Q")


@mutant("torch.asarray", shows="shares(a := np.array(1.0), torch.asarray(a))",
        first=("test_deviation_witness[asarray-0d-copies]", "test_converts_accepted_arrays[torch.asarray()]"))
def asarray_shares_0d(asarray):
    """torch.asarray shares 0-d arrays (upstream fixes asarray-0d-copies)."""

    def mutated(obj, *args, **kwargs):
        if _array(obj) and obj.ndim == 0 and not args and set(kwargs) <= {"copy"} and kwargs.get("copy") is not True:
            return torch.from_numpy(obj)
        return asarray(obj, *args, **kwargs)

    return mutated


# --- tensor -> ndarray -----------------------------------------------------------------------


@mutant("torch.Tensor.numpy", shows="not shares((t := torch.zeros(3)).numpy(), t)",
        first="test_numpy_aliases_exportable_tensors")
def numpy_copies(numpy):
    """Tensor.numpy() returns a copy instead of sharing the tensor's memory."""
    return _changing_result(numpy, lambda a: a.copy())


@mutant("torch.Tensor.numpy", shows="outcome(torch.zeros(2, requires_grad=True).numpy) == 'returned'",
        first="test_numpy_refuses_requires_grad")
def numpy_exports_requires_grad(numpy):
    """Tensor.numpy() exports tensors that require grad instead of refusing them."""
    return _changing_input(numpy, lambda t: t.detach(), when=lambda t: t.requires_grad)


@mutant("torch.Tensor.numpy", shows="outcome(torch.zeros(2, dtype=torch.complex64).conj().numpy) == 'returned'",
        first="test_numpy_refuses_conj_bit")
def numpy_ignores_conj_bit(numpy):
    """Tensor.numpy() of a conjugate view returns the unconjugated data (the torch < 1.10 bug)."""
    return _changing_input(numpy, lambda t: t.conj(), when=lambda t: t.is_conj())


@mutant("torch.Tensor.numpy",
        shows="outcome(torch.zeros(2, dtype=torch.complex64).conj().imag.numpy) == 'returned'",
        first="test_numpy_refuses_neg_bit")
def numpy_ignores_neg_bit(numpy):
    """Tensor.numpy() of a negative view returns the un-negated data."""
    return _changing_input(numpy, torch._neg_view, when=lambda t: t.is_neg())


@mutant("torch.Tensor.numpy", shows="torch.zeros(2, dtype=torch.bfloat16).numpy().dtype == np.float32",
        first="test_numpy_refuses_dtypes_numpy_lacks")
def numpy_widens_bfloat16(numpy):
    """Tensor.numpy() converts bfloat16 tensors to float32 arrays instead of refusing them."""
    return _changing_input(numpy, lambda t: t.float(), when=lambda t: t.dtype == torch.bfloat16)


@mutant("torch.Tensor.numpy", shows="outcome(torch.zeros(2, dtype=torch.uint32).numpy) == 'TypeError'",
        first="test_export_grid[test_numpy_aliases_exportable_tensors]")
def numpy_refuses_uint32(numpy):
    """Tensor.numpy() refuses uint32 tensors again, as before torch 2.3."""

    def mutated(self, *args, **kwargs):
        if self.dtype == torch.uint32:
            raise TypeError("Got unsupported ScalarType UInt32")
        return numpy(self, *args, **kwargs)

    return mutated


@mutant("torch.Tensor.numpy", shows="torch.arange(6.0).reshape(2, 3).T.numpy().strides == (8, 4)",
        first="test_export_grid[test_numpy_aliases_exportable_tensors]")
def numpy_loses_strides(numpy):
    """Tensor.numpy() of a dense non-contiguous tensor (a transpose) gets C-order strides."""

    def dense(t):  # no holes, no overlaps: C strides over the same bytes stay in bounds
        expected = 1
        for stride, size in sorted((s, n) for s, n in zip(t.stride(), t.shape) if n > 1):
            if stride != expected:
                return False
            expected *= size
        return True

    def mutated(self, *args, **kwargs):
        out = numpy(self, *args, **kwargs)
        if out.size and not self.is_contiguous() and dense(self):
            c_strides = np.empty(out.shape, dtype=out.dtype).strides
            out = np.lib.stride_tricks.as_strided(out, out.shape, c_strides)
        return out

    return mutated


@mutant("torch.Tensor.__array__", shows="not shares(np.asarray(t := torch.zeros(3)), t)",
        first="test_asarray_aliases_exportable_tensors")
def array_copies(array):
    """Tensor.__array__ returns a copy, so np.asarray(tensor) no longer shares memory."""
    return _changing_result(array, lambda a: np.array(a, copy=True))


@mutant("torch.Tensor.tolist",
        shows="torch.tensor([True]).tolist() == [1] and type(torch.tensor([True]).tolist()[0]) is int",
        first="test_tolist_nests_the_python_numbers")
def tolist_bool_as_int(tolist):
    """Tensor.tolist() of a bool tensor gives ints instead of bools."""

    def as_int(x):
        return [as_int(y) for y in x] if isinstance(x, list) else int(x)

    return lambda self: as_int(tolist(self)) if self.dtype == torch.bool else tolist(self)


@mutant("torch.Tensor.item", shows="torch.tensor([2**64 - 1], dtype=torch.uint64).item() == -1",
        first="test_item_gives_the_stored_python_number")
def item_wraps_uint64(item):
    """Tensor.item() of a uint64 tensor returns the value read as signed (2**64 - 1 becomes -1)."""

    def mutated(self):
        value = item(self)
        return value - (1 << 64) if self.dtype == torch.uint64 and value >= 1 << 63 else value

    return mutated


@mutant("numpy.from_dlpack", shows="not shares(np.from_dlpack(t := torch.zeros(3)), t)",
        first="test_from_dlpack_aliases_exportable_tensors")
def np_from_dlpack_copies(from_dlpack):
    """np.from_dlpack(tensor) copies by default instead of sharing the tensor's memory."""
    return _changing_result(from_dlpack, lambda a: a.copy(), when=lambda x, kw: kw.get("copy") is None)


@mutant("numpy.from_dlpack", shows="shares(np.from_dlpack(t := torch.zeros(3), copy=True), t)",
        first="test_from_dlpack_copy_keyword")
def np_from_dlpack_ignores_copy(from_dlpack):
    """np.from_dlpack(tensor, copy=True) ignores the copy keyword and shares."""
    _has_copy_keyword(from_dlpack, lambda: from_dlpack(np.zeros(1), copy=None))  # numpy >= 2.1
    return _dropping(from_dlpack, "copy", when=lambda x, kw: kw["copy"] is True)


@mutant("torch.Tensor.__dlpack__",
        shows="outcome(lambda: np.from_dlpack(torch.zeros(2, requires_grad=True))) == 'returned'",
        first="test_dlpack_refuses_grad_requiring_tensors_in_any_grad_mode")
def dlpack_exports_requires_grad(dlpack):
    """Tensor.__dlpack__ exports tensors that require grad instead of refusing them."""
    return _changing_input(dlpack, lambda t: t.detach(), when=lambda t: t.requires_grad)
