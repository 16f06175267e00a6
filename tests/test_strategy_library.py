"""The strategies as a library: the public API, shape=/elements=/dtype= as documented,
plain-value forms, reprs that read like the call, inputs beyond 4096 elements."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra.numpy import array_shapes

import bridgecheck
import bridgecheck.build
from bridgecheck import strategies
from bridgecheck.strategies import (
    REPEAT_ABOVE,
    arrays,
    numpy_scalars,
    plain_arrays,
    plain_numpy_scalars,
    plain_tensors,
    tensors,
)
from bridgecheck.strategies.sizes import PATTERN

FEW = settings(max_examples=25, deadline=None, database=None)


def test_the_public_api_is_typed_and_complete():
    assert (Path(bridgecheck.__file__).parent / "py.typed").is_file()
    for name in strategies.__all__:
        obj = getattr(strategies, name)  # every name exists
        if inspect.isfunction(obj):
            signature = inspect.signature(obj)
            assert signature.return_annotation is not inspect.Signature.empty, name
            unannotated = [p for p, v in signature.parameters.items()
                           if v.annotation is inspect.Parameter.empty and v.kind is not v.VAR_KEYWORD]
            assert not unannotated, f"{name}: {unannotated}"


@pytest.mark.parametrize("strategy, text", [
    (arrays("float32", (2, 3), layouts=["c-order", "fortran"]), "arrays(dtype='float32', shape=(2, 3), layouts=['c-order', 'fortran'])"),
    (arrays(), "arrays()"),
    (tensors(torch.float64, 4, views=["conj", "neg"]), "tensors(dtype=torch.float64, shape=4, views=['conj', 'neg'])"),
    (plain_arrays("int8", max_dims=1), "plain_arrays(dtype='int8', max_dims=1)"),
    (plain_numpy_scalars("uint16"), "plain_numpy_scalars(dtype='uint16')"),
    (numpy_scalars(), "numpy_scalars()"),
])
def test_reprs_read_like_the_call(strategy, text):
    assert repr(strategy) == text
    rebuilt = eval(text, {**vars(strategies), "torch": torch})  # noqa: S307 - the text above
    assert repr(rebuilt) == text


@FEW
@given(st.data())
def test_shape_is_exactly_the_shape_asked_for(data):
    shape = data.draw(array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4), label="shape")
    case = data.draw(arrays("float64", shape))
    assert case.array.shape == shape, case.describe()
    drawn = data.draw(arrays("<i2", array_shapes(min_dims=1, max_dims=2)))
    assert drawn.array.ndim in (1, 2)
    tensor = data.draw(tensors(torch.float32, shape))
    assert tuple(tensor.tensor.shape) == shape, tensor.describe()
    assert data.draw(tensors([torch.int16, torch.int32], 5)).tensor.shape == (5,)


@FEW
@given(arrays("float32", (3, 2), elements=st.floats(-2, 2, width=32)),
       tensors(torch.int64, (4,), elements=st.integers(-5, 5)),
       plain_arrays("int8", 6, elements=st.integers(0, 3), layouts=["stepped", "negative-step", "readonly"]))
def test_elements_come_from_the_elements_strategy(a, t, plain):
    assert ((a.array >= -2) & (a.array <= 2)).all(), a
    assert t.tensor.abs().max().item() <= 5, t
    assert isinstance(plain, np.ndarray) and plain.shape == (6,) and set(plain.tolist()) <= {0, 1, 2, 3}


def test_an_element_the_dtype_cannot_hold_is_an_invalid_argument():
    @settings(max_examples=5, database=None, deadline=None)
    @given(arrays("uint8", (2,), elements=st.just(300)))
    def draw_one(_):
        pass

    with pytest.raises(InvalidArgument, match="300"):
        draw_one()


@settings(max_examples=8, deadline=None, database=None)
@given(arrays("complex64", (80, 70), layouts=["c-order", "fortran", "stepped", "memmap", "offset"]),
       tensors(torch.bfloat16, (5000,), views=["contiguous", "offset", "neg"]))
def test_large_inputs_repeat_a_short_pattern_and_rebuild_from_their_repr(big, long):
    for case, value, nbytes in ((big, big.array, 8), (long, long.tensor, 2)):
        assert case.recipe.get("repeat") is True, case.describe()
        assert len(case.recipe["data"]) <= 2 * PATTERN * nbytes
        rebuilt = eval(repr(case), {"bridgecheck": bridgecheck})  # noqa: S307 - a recipe call
        if isinstance(value, np.ndarray):
            assert rebuilt.tobytes() == value.tobytes() and rebuilt.strides == value.strides
        else:
            assert torch.equal(rebuilt.resolve_neg().view(torch.int16), value.resolve_neg().view(torch.int16))
    assert big.array.size == 5600 > REPEAT_ABOVE


@FEW
@given(plain_tensors(torch.float32, views=["contiguous", "transposed"]), plain_numpy_scalars("float16"))
def test_plain_strategies_draw_the_objects_themselves(t, s):
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    assert isinstance(s, np.float16)


def test_dtype_and_its_older_spelling_mean_the_same():
    assert repr(tensors(dtypes=[torch.int8])) == "tensors(dtypes=[torch.int8])"
    with pytest.raises(InvalidArgument, match="not both"):
        tensors(torch.int8, dtypes=[torch.int8])


@pytest.mark.parametrize("call, words", [
    (lambda: arrays(shape=(2, 3), max_dims=2), ["shape=", "max_dims", "not both"]),
    (lambda: tensors(shape=3, max_side=2), ["shape=", "max_side", "not both"]),
    (lambda: arrays(shape=(2, -1)), ["shape=(2, -1)", "ints >= 0"]),
    (lambda: arrays(shape=(2048, 1024)), ["2097152 elements", "1048576"]),
    (lambda: tensors(shape=(1,) * 7), ["7 axes", "at most 6"]),
    (lambda: arrays(shape=(0, 2), layouts=["memmap", "size1-odd-strides"], dtype="int8"), ["shape=(0, 2)", "memmap"]),
    (lambda: arrays(elements=[1, 2]), ["elements=[1, 2]", "strategy"]),
    (lambda: arrays(elements=st.just(1.0), layouts=["odd-byte-strides"]), ["odd-byte-strides", "elements="]),
    (lambda: tensors(elements=st.just(1), quantized=True), ["quantized"]),
    (lambda: tensors("float32"), ["torch.dtype", "torch.float32"]),
])
def test_bad_new_arguments_are_refused_when_the_strategy_is_made(call, words):
    with pytest.raises(InvalidArgument) as info:
        call()
    missing = [w for w in words if w not in str(info.value)]
    assert not missing, f"message lacks {missing}: {info.value}"


def test_a_zero_dimensional_fortran_array_keeps_its_shape():
    # np.asfortranarray returns at least 1-d; the recipe said shape=() (found by the shape test).
    assert bridgecheck.build.array(dtype="<f8", shape=(), layout="fortran").shape == ()
