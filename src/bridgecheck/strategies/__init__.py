"""Hypothesis strategies for what crosses the NumPy <-> PyTorch bridge: a typed public API.

Case strategies draw a ``Case`` (``bridgecheck.cases``): the object plus its description
(``describe()``) and a repr that rebuilds it, so a failing example is a reproduction.

- ``arrays(dtype, shape, *, layouts, elements, ...)``: ndarrays in every memory layout kind
  (``LAYOUTS``), shapes incl. 0-d and empty (``ArrayCase``, ``.array``);
- ``numpy_scalars(dtype)``: ``np.generic`` values, distinct from 0-d arrays (``ScalarCase``);
- ``tensors(dtype, shape, *, elements, views, grads, devices, layouts, ...)``: tensors in every
  view kind, autograd state, device and layout (``TensorCase``, ``.tensor``);
  ``exportable_tensors(...)``: those every zero-copy exporter to NumPy accepts;
- ``numpy_dtypes(*, names, kind, byteorder)``: dtypes torch accepts, or refuses.

Plain-value strategies draw the objects themselves: ``plain_arrays``, ``plain_numpy_scalars``,
``plain_tensors`` (same arguments). ``dtype``/``shape``/``elements`` follow
``hypothesis.extra.numpy.arrays``. ``register_profiles()`` (in a conftest) registers the
``bridgecheck-dev``/``-ci``/``-thorough`` Hypothesis profiles (deadline off).
"""

from bridgecheck.cases import ArrayCase, Case, ScalarCase, TensorCase
from bridgecheck.profiles import load_profile, register_profiles
from bridgecheck.strategies.arrays import (
    ACCEPTED_LAYOUTS,
    LAYOUTS,
    REFUSED_LAYOUTS,
    arrays,
    layouts_for,
    numpy_scalars,
    plain_arrays,
    plain_numpy_scalars,
)
from bridgecheck.strategies.dtypes import numpy_dtypes
from bridgecheck.strategies.sizes import MAX_ELEMENTS, REPEAT_ABOVE
from bridgecheck.strategies.tensors import (
    GRADS,
    PLAIN_VIEWS,
    VIEWS,
    available_devices,
    exportable_tensors,
    plain_tensors,
    tensors,
)

__all__ = [
    "ACCEPTED_LAYOUTS", "GRADS", "LAYOUTS", "MAX_ELEMENTS", "PLAIN_VIEWS", "REFUSED_LAYOUTS",
    "REPEAT_ABOVE", "VIEWS", "ArrayCase", "Case", "ScalarCase", "TensorCase", "arrays",
    "available_devices", "exportable_tensors", "layouts_for", "load_profile", "numpy_dtypes",
    "numpy_scalars", "plain_arrays", "plain_numpy_scalars", "plain_tensors", "register_profiles",
    "tensors",
]
