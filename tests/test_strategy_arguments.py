"""Strategies refuse bad arguments when they are made, with a message that says what to do,
and stay lazy otherwise: making a strategy draws and builds nothing."""

from __future__ import annotations

import re

import pytest
import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from bridgecheck import build
from bridgecheck.strategies import arrays, numpy_dtypes, numpy_scalars, tensors

# (call, words the message must contain). Each call must raise InvalidArgument by itself,
# without a single draw.
BAD_CALLS = [
    # arrays
    (lambda: arrays(layouts=["c-order", "diagonal"]), ["diagonal", "choose from", "fortran"]),
    (lambda: arrays(layouts=[]), ["layouts", "choose from"]),
    (lambda: arrays(layouts="c-order"), ["one name", "layouts=['c-order']"]),
    (lambda: arrays(min_dims=3, max_dims=2), ["min_dims <= max_dims", "3", "2"]),
    (lambda: arrays(max_dims=33), ["max_dims <= 32"]),
    (lambda: arrays(min_side=4, max_side=2), ["min_side <= max_side"]),
    (lambda: arrays(max_dims=21, max_side=2), ["2097152 elements", "1048576"]),
    (lambda: arrays(min_dims=1.5), ["min_dims=1.5", "int"]),
    (lambda: arrays(max_side=True), ["max_side=True", "int"]),
    (lambda: arrays(layouts=["matrix"], max_dims=1), ["matrix", "ndim"]),
    (lambda: arrays(layouts=["size1-odd-strides"], min_side=2), ["min_side <= 1"]),
    (lambda: arrays(layouts=["odd-byte-strides"], max_side=1), ["max_side >= 2"]),
    (lambda: arrays(dtype="float33"), ["float33", "not a NumPy dtype"]),
    (lambda: arrays(dtype="bool", layouts=["byteswapped", "unaligned"]), ["bool", "byteswapped", "can take"]),
    (lambda: arrays(dtype="O", layouts=["negative-step"]), ["object", "negative-step"]),
    # numpy_dtypes
    (lambda: numpy_dtypes(names=["float32", "float33"]), ["float33", "choose from"]),
    (lambda: numpy_dtypes(names="float32"), ["one name", "names=['float32']"]),
    (lambda: numpy_dtypes(kind="weird"), ["kind='weird'", "accepted", "refused"]),
    (lambda: numpy_dtypes(byteorder="little"), ["byteorder='little'", "non-native"]),
    (lambda: numpy_dtypes(names=["bool", "uint8"], byteorder="non-native"), ["no dtype left"]),
    (lambda: numpy_dtypes(names=["ulonglong"], kind="accepted"), ["no dtype left"]),
    # numpy_scalars
    (lambda: numpy_scalars("object"), ["object", "Python objects"]),
    (lambda: numpy_scalars("float33"), ["float33", "not a NumPy dtype"]),
    # tensors
    (lambda: tensors(views=["diagonal"]), ["views", "diagonal", "choose from"]),
    (lambda: tensors(grads=["frozen"]), ["grads", "frozen", "choose from"]),
    (lambda: tensors(layouts=["sparse_bsr"]), ["layouts", "sparse_bsr", "choose from"]),
    (lambda: tensors(views=[]), ["views", "empty"]),
    (lambda: tensors(devices=["tpu"]), ["tpu", "cpu, meta, cuda"]),
    (lambda: tensors(devices=[]), ["devices", "cpu, meta, cuda"]),
    (lambda: tensors(devices="cpu"), ["one value", "devices=['cpu']"]),
    (lambda: tensors(dtypes=["float32"]), ["torch.dtype", "float32"]),
    (lambda: tensors(dtypes=torch.float32), ["one value", "dtypes=[torch.float32]"]),
    (lambda: tensors(min_dims=3, max_dims=2), ["min_dims <= max_dims"]),
    (lambda: tensors(max_dims=7), ["max_dims <= 6"]),
    (lambda: tensors(max_side=0), ["max_side >= 1"]),
    (lambda: tensors(max_side=200, max_dims=3), ["8000000 elements", "1048576"]),
    (lambda: tensors(max_dims=2.0), ["max_dims=2.0", "int"]),
    (lambda: tensors(dtypes=[torch.float32], views=["conj"]), ["no tensor fits", "conj needs complex"]),
    (lambda: tensors(dtypes=[torch.int64], grads=["leaf", "non-leaf"]), ["no tensor fits", "floating"]),
    (lambda: tensors(devices=["meta"], grads=["inference"]), ["no tensor fits", "inference"]),
    (lambda: tensors(layouts=["sparse_csr"], max_dims=1), ["no tensor fits", "sparse_csr"]),
    (lambda: tensors(dtypes=[torch.bool], layouts=["sparse_coo"]), ["no tensor fits", "sparse"]),
    (lambda: tensors(dtypes=[torch.qint8], devices=["meta"]), ["no tensor fits", "quantized"]),
]
if not torch.cuda.is_available():
    BAD_CALLS.append((lambda: tensors(devices=["cpu", "cuda"]), ["cuda", "is_available() is False"]))


def _source(case) -> str:
    import inspect

    text = inspect.getsource(case[0]).strip()
    return re.sub(r"^\(lambda: |, \[.*$", "", text)[:70]


@pytest.mark.parametrize("call,words", BAD_CALLS, ids=[_source(c) for c in BAD_CALLS])
def test_bad_arguments_raise_when_the_strategy_is_made(call, words, monkeypatch):
    # Building anything would mean the check ran at draw time, or the strategy was not lazy.
    for name in ("array", "scalar", "tensor"):
        monkeypatch.setattr(build, name, _no_build)
    with pytest.raises(InvalidArgument) as info:
        call()
    message = str(info.value)
    missing = [w for w in words if w not in message]
    assert not missing, f"message lacks {missing}: {message!r}"
    assert "\n" not in message.strip(), f"one line expected: {message!r}"


def _no_build(*args, **kwargs):
    raise AssertionError("a builder ran while the strategy was being made")


def _exploding_dtypes():
    def explode(_):
        raise AssertionError("the dtype strategy was drawn from while the strategy was made")

    return st.just(0).map(explode)


@pytest.mark.parametrize(
    "make",
    [
        lambda: arrays(),
        lambda: arrays(_exploding_dtypes()),
        lambda: arrays(numpy_dtypes(kind="all", byteorder="any"), layouts=["memmap", "c-order"], max_dims=32, max_side=1),
        lambda: numpy_scalars(_exploding_dtypes()),
        lambda: numpy_dtypes(kind="all"),
        lambda: tensors(),
        lambda: tensors(devices=["cpu", "meta"], layouts=["strided", "sparse_coo", "sparse_csr"], quantized=True, max_dims=6, max_side=4),
    ],
)
def test_good_arguments_make_a_lazy_strategy(make, monkeypatch):
    for name in ("array", "scalar", "tensor"):
        monkeypatch.setattr(build, name, _no_build)
    strategy = make()
    assert isinstance(strategy, st.SearchStrategy)


def test_each_bad_argument_names_itself_not_its_neighbours():
    # The message of a bad layouts argument must not blame the sizes, and vice versa.
    with pytest.raises(InvalidArgument, match="layouts") as info:
        arrays(layouts=["nope"])
    assert "min_dims" not in str(info.value)
    with pytest.raises(InvalidArgument, match="min_dims") as info:
        arrays(min_dims=-1)
    assert "layout" not in str(info.value)
