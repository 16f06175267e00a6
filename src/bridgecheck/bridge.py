"""Is there a bridge at all? torch built against NumPy 1 cannot talk to NumPy 2.

Such pairs (torch < 2.3 with numpy >= 2) import fine but every conversion raises
``RuntimeError: Numpy is not available``. The suite then reports one clear failure instead of
hundreds of identical ones (``pytest_plugin`` deselects the other properties).
"""

from __future__ import annotations

import contextlib
import functools
import io


@functools.cache
def unavailable_reason() -> str | None:
    """None when ``torch.from_numpy`` and ``Tensor.numpy`` work; else one line saying why."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # NumPy-ABI import noise
            import numpy as np
            import torch
    except Exception as exc:  # noqa: BLE001 - any import failure means no bridge
        return f"cannot import torch/numpy: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    try:
        torch.from_numpy(np.zeros(1)).numpy()
    except Exception as exc:  # noqa: BLE001 - any failure of the round trip means no bridge
        first = str(exc).splitlines()[0] if str(exc) else ""
        return (
            f"torch {torch.__version__} cannot exchange data with numpy {np.__version__} "
            f"({type(exc).__name__}: {first}); torch < 2.3 was built for NumPy 1 and needs numpy < 2"
        )
    return None
