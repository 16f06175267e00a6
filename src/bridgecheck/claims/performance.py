"""Speed claims, judged by ratios of medians against wide margins (see ``timing``)."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import attempt, describe_exception
from bridgecheck.claims.timing import compare

TOPIC = "performance"

#: Large enough that a copy costs milliseconds while a zero-copy wrap stays microseconds.
LARGE_BYTES = 16 * 1024 * 1024
#: from_numpy must beat the copy by this factor (observed: thousands of times).
ZERO_COPY_MARGIN = 10.0
#: item() must beat numpy()[0] by this factor (observed: about 4x).
ITEM_MARGIN = 2.0
#: The GPU must beat the CPU on a large matmul by this factor.
GPU_MARGIN = 2.0


def _from_numpy_cheaper() -> Finding:
    a = np.ones(LARGE_BYTES // 8, dtype=np.float64)
    result = compare(lambda: torch.tensor(a), lambda: torch.from_numpy(a), repeats=15, fast_calls=200)
    return Finding.decide(
        result.ratio >= ZERO_COPY_MARGIN,
        f"16 MB float64: {result.describe('torch.tensor', 'from_numpy')}"
        f" (criterion: >= {ZERO_COPY_MARGIN:g}x)",
    )


def _item_cheaper() -> Finding:
    t = torch.from_numpy(np.array([5]))
    result = compare(lambda: t.numpy()[0], t.item, repeats=15, slow_calls=2000, fast_calls=2000)
    # The claim was made for a 0-d tensor, where indexing with [0] does not even work.
    _, exc = attempt(lambda: torch.from_numpy(np.array(5)).numpy()[0])
    zero_d = describe_exception(exc) if exc else "works"
    return Finding.decide(
        result.ratio >= ITEM_MARGIN,
        f"1-element tensor: {result.describe('numpy()[0]', 'item()')} (criterion: >= {ITEM_MARGIN:g}x);"
        f" on a 0-d tensor numpy()[0]: {zero_d}",
    )


def _gpu_faster() -> Finding:
    n = 2048
    cpu = torch.randn(n, n)
    gpu = cpu.cuda()
    result = compare(
        lambda: cpu @ cpu, lambda: gpu @ gpu, repeats=7, fast_calls=10, sync=torch.cuda.synchronize
    )
    return Finding.decide(
        result.ratio >= GPU_MARGIN,
        f"{n}x{n} float32 matmul: {result.describe('CPU', torch.cuda.get_device_name())}"
        f" (criterion: >= {GPU_MARGIN:g}x)",
    )


def _gpu_transfer_overhead() -> Finding:
    a = np.ones(LARGE_BYTES // 8, dtype=np.float64)
    result = compare(
        lambda: torch.from_numpy(a).to("cuda"),
        lambda: torch.from_numpy(a),
        repeats=15,
        fast_calls=200,
        sync=torch.cuda.synchronize,
    )
    return Finding.decide(
        result.ratio >= ZERO_COPY_MARGIN,
        f"16 MB float64 to {torch.cuda.get_device_name()}:"
        f" {result.describe('from_numpy(a).to(cuda)', 'from_numpy(a) on the CPU')}"
        f" (criterion: >= {ZERO_COPY_MARGIN:g}x)",
    )


CLAIMS = [
    Claim(
        "performance.from-numpy-cheaper-than-copy",
        TOPIC,
        "For large arrays torch.from_numpy is much cheaper than a copying conversion such as torch.tensor.",
        _from_numpy_cheaper,
    ),
    Claim(
        "performance.item-cheaper-than-numpy-index",
        TOPIC,
        "To read one value, .item() is cheaper than tensor.numpy()[0].",
        _item_cheaper,
    ),
    Claim(
        "performance.gpu-faster",
        TOPIC,
        "Placing tensors on a GPU makes large computations faster than on the CPU.",
        _gpu_faster,
        needs_cuda=True,
    ),
    Claim(
        "performance.gpu-transfer-overhead",
        TOPIC,
        "Converting an array to a tensor on the GPU adds the cost of a data transfer: it is much slower"
        " than a CPU conversion with torch.from_numpy.",
        _gpu_transfer_overhead,
        needs_cuda=True,
    ),
]
