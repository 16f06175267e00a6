"""Mutants of the bridge in operations: NumPy scalars and arrays as operands, ufuncs on
tensors, indexing (registered into ``registry.CATALOGUE``; the conventions are ``catalogue``'s).

Each replaces one Tensor operator or method and changes only calls whose other operand comes
from NumPy, so the library's own tensor arithmetic is untouched.
"""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.mutants.registry import mutant

_INT64_MAX = 2**63 - 1


def _numpy_other(original, change, when=lambda self, other: isinstance(other, np.generic)):
    """``original(self, other)`` whose result passes through ``change(result, self, other)``
    where ``when(self, other)`` holds."""

    def mutated(self, other, *args, **kwargs):
        out = original(self, other, *args, **kwargs)
        return change(out, self, other) if when(self, other) else out

    return mutated


def _numpy_operand(original, change, when):
    """``original(self, change(other))`` where ``when(self, other)`` holds."""

    def mutated(self, other, *args, **kwargs):
        return original(self, change(other) if when(self, other) else other, *args, **kwargs)

    return mutated


# --- NumPy scalars as operands (conformance/test_ops_scalars.py) ----------------------------


@mutant("torch.Tensor.__rmul__", shows="(np.float64(2) * torch.ones(2)).dtype == torch.float64",
        first="test_numpy_scalar_operand_grid[*]")
def rmul_numpy_float64_promotes_to_double(rmul):
    """np.float64(2) * t gives a float64 tensor: the NumPy scalar's dtype takes part in promotion."""
    return _numpy_other(rmul, lambda out, t, s: out.to(torch.float64),
                        when=lambda t, s: isinstance(s, np.float64) and t.dtype == torch.float32)


@mutant("torch.Tensor.__mul__", shows="not (torch.ones(2, requires_grad=True) * np.float32(2)).requires_grad",
        first="test_numpy_scalar_operand_acts_as_a_python_number[*]")
def mul_numpy_scalar_drops_requires_grad(mul):
    """t * np.float32(2) detaches the result: requires_grad is lost with a NumPy scalar operand."""
    return _numpy_other(mul, lambda out, t, s: out.detach())


@mutant("torch.Tensor.__add__", shows="(torch.ones(2, dtype=torch.int8) + np.int64(1)).dtype == torch.int64",
        first="test_numpy_scalar_operand_acts_as_a_python_number[+]")
def add_numpy_integer_widens(add):
    """t + np.int64(1) on a small integer tensor gives int64: NumPy integers promote like 1-element tensors."""
    return _numpy_other(
        add,
        lambda out, t, s: out.to(torch.promote_types(out.dtype, torch.from_numpy(np.asarray(s)).dtype)),
        when=lambda t, s: isinstance(s, np.integer) and not t.dtype.is_floating_point and not t.dtype.is_complex,
    )


@mutant("torch.Tensor.__rsub__", shows="(np.float32(3) - torch.ones(1)).item() == -2",
        first="test_numpy_scalar_operand_acts_as_a_python_number[-]")
def rsub_numpy_scalar_swaps_operands(rsub):
    """np.float32(3) - t computes t - 3: the reflected operator forgets the order."""
    return lambda self, other, *a, **k: (self - other) if isinstance(other, np.generic) else rsub(self, other, *a, **k)


@mutant("torch.Tensor.__floordiv__", shows="(torch.tensor([-3]) // np.int64(2)).item() == -1",
        first="test_numpy_scalar_operand_acts_as_a_python_number[//]")
def floordiv_numpy_integer_truncates(floordiv):
    """t // np.int64(2) rounds toward zero instead of flooring (the pre-1.13 floor_divide)."""
    return lambda self, other: (torch.div(self, int(other), rounding_mode="trunc")
                                if isinstance(other, np.integer) else floordiv(self, other))


@mutant("torch.Tensor.__lt__", shows="(torch.ones(2) < np.float64(2)).dtype == torch.uint8",
        first="test_numpy_scalar_operand_acts_as_a_python_number[<]")
def lt_numpy_scalar_gives_uint8(lt):
    """t < np.float64(2) gives a uint8 tensor instead of bool (the legacy byte masks)."""
    return _numpy_other(lt, lambda out, t, s: out.to(torch.uint8))


@mutant("torch.Tensor.__iadd__", shows="(t := torch.zeros(1)).__iadd__(np.float32(1)) is not t",
        first="test_inplace_operator_with_numpy_scalar_writes_into_the_tensor[+]")
def iadd_numpy_scalar_rebinds(iadd):
    """t += np.float32(1) returns a new tensor instead of writing into t."""
    return lambda self, other: (self + other) if isinstance(other, np.generic) else iadd(self, other)


@mutant("torch.Tensor.diag", shows="outcome(lambda: torch.ones(3).diag(np.uint64(2**64 - 1))) == 'returned'",
        first="test_numpy_integer_beyond_int64_is_refused_as_an_int[x.diag(n)")
def diag_wraps_numpy_uint64(diag):
    """Tensor.diag(np.uint64(2**64 - 1)) wraps the argument to -1 instead of refusing it."""
    return _numpy_operand(diag, lambda n: int(n) - 2**64,
                          when=lambda t, n: isinstance(n, np.unsignedinteger) and int(n) > _INT64_MAX)


@mutant("torch.Tensor.mean", shows="torch.ones(2, 3).mean(dim=np.int64(1)).shape == ()",
        first="test_numpy_integer_is_taken_as_the_int[x.mean(dim=n)]")
def mean_ignores_numpy_dim(mean):
    """Tensor.mean(dim=np.int64(1)) reduces over every dimension: a NumPy integer dim is dropped."""

    def mutated(self, *args, **kwargs):
        if isinstance(kwargs.get("dim"), np.integer):
            del kwargs["dim"]
        return mean(self, *args, **kwargs)

    return mutated


# --- known deviations fixed upstream: the suite must notice ---------------------------------


@mutant("torch.Tensor.__add__", shows="(torch.tensor([1], dtype=torch.int32) + np.True_).dtype == torch.int32",
        first="test_deviation_witness[numpy-bool-operand-read-as-float]")
def add_reads_numpy_bool_as_bool(add):
    """t + np.True_ reads the NumPy bool as a bool (upstream fixes numpy-bool-operand-read-as-float)."""
    return _numpy_operand(add, bool, when=lambda t, s: isinstance(s, np.bool_))


@mutant("torch.Tensor.__eq__", shows="not bool(torch.tensor(1, dtype=torch.complex64) == np.complex64(1 + 3j))",
        first="test_deviation_witness[numpy-complex64-operand-drops-imaginary-part]")
def eq_keeps_numpy_complex64_imaginary_part(eq):
    """t == np.complex64(1+3j) compares the whole complex number (upstream fixes pytorch#43579)."""
    return _numpy_operand(eq, complex, when=lambda t, s: isinstance(s, np.complex64))


# --- NumPy ufuncs on tensors (conformance/test_ops_ufuncs.py) -------------------------------


@mutant("torch.Tensor.__array_wrap__", shows="type(np.sin(torch.zeros(2))) is np.ndarray",
        first="test_unary_ufunc_on_tensor_gives_the_numpy_result_as_a_tensor[sin]")
def array_wrap_returns_ndarray(array_wrap):
    """Tensor.__array_wrap__ returns NumPy's array: np.sin(t) is an ndarray, not a Tensor."""
    return lambda self, array, *args, **kwargs: array


@mutant("torch.Tensor.__array_wrap__", shows="np.sin(torch.zeros(2)).dtype == torch.float64",
        first="test_unary_ufunc_on_tensor_gives_the_numpy_result_as_a_tensor[sin]")
def array_wrap_widens_to_double(array_wrap):
    """Tensor.__array_wrap__ gives float64 tensors for float32 results (a cast in the wrapper)."""

    def mutated(self, array, *args, **kwargs):
        out = array_wrap(self, array, *args, **kwargs)
        return out.double() if out.dtype == torch.float32 else out

    return mutated


@mutant("torch.Tensor.__array_wrap__", shows="np.isnan(torch.zeros(2)).dtype == torch.bool",
        first="test_deviation_witness[array-wrap-bool-as-uint8]")
def array_wrap_keeps_bool(array_wrap):
    """Tensor.__array_wrap__ keeps bool results bool (upstream fixes array-wrap-bool-as-uint8)."""
    return lambda self, array, *args, **kwargs: (torch.from_numpy(array) if array.dtype == np.bool_
                                                 else array_wrap(self, array, *args, **kwargs))


@mutant("torch.Tensor.__array__", shows="outcome(lambda: np.sin(torch.zeros(2, requires_grad=True))) == 'returned'",
        first="test_ufunc_refuses_tensor_requiring_grad_like_numpy")
def array_detaches_requires_grad(array):
    """Tensor.__array__ silently detaches tensors that require grad, so ufuncs accept them."""
    return lambda self, *args, **kwargs: array(self.detach() if self.requires_grad else self, *args, **kwargs)


# --- tensor <-> ndarray operators (conformance/test_ops_mixed.py) ----------------------------


@mutant("torch.Tensor.__mul__",
        shows="(torch.ones(2, dtype=torch.int64) * np.ones(2, np.float32)).dtype == torch.float32",
        first="test_operator_with_ndarray_grid[*]")
def mul_ndarray_uses_torch_promotion(mul):
    """t * a converts the array and promotes like torch (int64 x float32 gives float32, NumPy float64)."""
    return lambda self, other: mul(self, torch.from_numpy(other)) if isinstance(other, np.ndarray) else mul(self, other)


@mutant("torch.Tensor.__eq__", shows="type(torch.ones(2) == np.ones(2)) is bool",
        first="test_operator_with_ndarray_grid[==]")
def eq_ndarray_falls_back_to_identity(eq):
    """t == a declines the ndarray, so Python answers with identity (one bool, like t != a today)."""
    return lambda self, other: NotImplemented if isinstance(other, np.ndarray) else eq(self, other)


@mutant("torch.Tensor.__ne__", shows="type(torch.ones(2) != np.ones(2)) is not bool",
        first="test_deviation_witness[tensor-ne-ndarray-is-a-python-bool]")
def ne_ndarray_elementwise(ne):
    """t != a is elementwise (upstream fixes tensor-ne-ndarray-is-a-python-bool)."""
    return lambda self, other: (
        torch.from_numpy(np.not_equal(self.numpy(force=True), other))
        if isinstance(other, np.ndarray)
        else ne(self, other)
    )


@mutant("torch.Tensor.__radd__", shows="outcome(lambda: np.ones(2) + torch.ones(2)) == 'returned'",
        first="test_deviation_witness[ndarray-first-operator-declines-tensor]")
def radd_accepts_ndarray(radd):
    """a + t computes instead of raising TypeError (upstream fixes ndarray-first-operator-declines-tensor)."""
    return lambda self, other, *a, **k: (
        np.add(other, self) if isinstance(other, np.ndarray) else radd(self, other, *a, **k)
    )


@mutant("torch.Tensor.__iadd__", shows="(t := torch.zeros(2)).__iadd__(np.ones(2, np.float32)) is t",
        first="test_deviation_witness[tensor-inplace-with-ndarray-rebinds]")
def iadd_ndarray_in_place(iadd):
    """t += a writes into t (upstream fixes tensor-inplace-with-ndarray-rebinds)."""

    def mutated(self, other):
        if isinstance(other, np.ndarray):
            return self.add_(torch.from_numpy(np.ascontiguousarray(other)))
        return iadd(self, other)

    return mutated


# --- indexing across the bridge (conformance/test_ops_indexing.py) ---------------------------


@mutant("torch.Tensor.__getitem__", shows="torch.arange(3.0)[np.array([0, 2, 1])].tolist() == [1.0, 2.0]",
        first="test_tensor_indexed_by_numpy_selects_what_numpy_selects[x[i]]")
def getitem_numpy_int_array_as_mask(getitem):
    """t[int ndarray] reads every NumPy integer array as a byte mask (the uint8 rule, widened)."""

    def mutated(self, index):
        if isinstance(index, np.ndarray) and index.dtype.kind in "iu":
            index = index.astype(bool)
        return getitem(self, index)

    return mutated


@mutant("torch.Tensor.__setitem__",
        shows="outcome(lambda: torch.zeros(4).__setitem__(slice(None), np.ones(4))) == 'returned'",
        first="test_deviation_witness[setitem-refuses-numpy-values]")
def setitem_accepts_ndarray(setitem):
    """t[:] = ndarray stores the array's values (upstream fixes setitem-refuses-numpy-values)."""
    return lambda self, index, value: setitem(
        self, index, torch.from_numpy(value) if isinstance(value, np.ndarray) else value
    )


# --- sequences of NumPy values (conformance/test_ops_sequences.py) ---------------------------


@mutant("torch.tensor", shows="torch.tensor([np.ones(1, np.int64), np.ones(1, np.float32)]).dtype == torch.float64",
        first="test_sequence_of_numpy_values_promotes_like_torch[torch.tensor]")
def tensor_sequence_promotes_like_numpy(tensor):
    """torch.tensor([ndarray, ...]) stacks with np.array first, so dtypes promote like NumPy's."""

    def mutated(data, *args, **kwargs):
        holds_numpy = isinstance(data, (list, tuple)) and any(isinstance(x, (np.ndarray, np.generic)) for x in data)
        if holds_numpy and not args and not kwargs:
            return tensor(np.array(data))
        return tensor(data, *args, **kwargs)

    return mutated


# --- the DataLoader path (conformance/test_ops_dataloader.py) --------------------------------


@mutant("torch.utils.data.default_collate",
        shows="torch.utils.data.default_collate([np.float32(1)]).dtype == torch.float64",
        first="test_default_collate_keeps_numpy_scalar_dtype")
def default_collate_widens_numpy_scalars(default_collate):
    """default_collate turns a batch of NumPy float scalars into float64 (collated as Python floats)."""

    def mutated(batch):
        out = default_collate(batch)
        if isinstance(batch, list) and batch and isinstance(batch[0], np.floating):
            return out.double()
        return out

    return mutated


@mutant("torch.utils.data.default_convert",
        shows="not shares(a := np.arange(3.0), torch.utils.data.default_convert(a))",
        first="test_default_convert_shares_the_array")
def default_convert_copies(default_convert):
    """default_convert copies NumPy arrays (torch.tensor instead of torch.as_tensor)."""
    return lambda data: (
        torch.tensor(data) if isinstance(data, np.ndarray) and data.dtype.kind in "biufc" else default_convert(data)
    )
