"""Hypothesis strategies for what crosses the NumPy <-> PyTorch bridge.

- ``numpy_dtypes``: dtypes torch accepts, or refuses, in either byte order;
- ``arrays``: ndarrays in every memory layout kind (``LAYOUTS``), shapes incl. 0-d and empty;
- ``numpy_scalars``: ``np.generic`` values, distinct from 0-d arrays;
- ``tensors``: tensors in every view kind, autograd state, device and layout.

Each draws a ``Case`` (``bridgecheck.cases``): the object plus its description and a
reproduction, built by ``bridgecheck.build`` from a drawn recipe.
"""

from bridgecheck.strategies.arrays import (
    ACCEPTED_LAYOUTS,
    LAYOUTS,
    REFUSED_LAYOUTS,
    arrays,
    layouts_for,
    numpy_scalars,
)
from bridgecheck.strategies.dtypes import numpy_dtypes
from bridgecheck.strategies.tensors import (
    GRADS,
    PLAIN_VIEWS,
    VIEWS,
    available_devices,
    exportable_tensors,
    tensors,
)

__all__ = [
    "ACCEPTED_LAYOUTS", "LAYOUTS", "REFUSED_LAYOUTS", "GRADS", "PLAIN_VIEWS", "VIEWS",
    "arrays", "available_devices", "exportable_tensors", "layouts_for", "numpy_dtypes",
    "numpy_scalars", "tensors",
]
