"""The behaviour census: the grid, one cell's signature, crash survival, determinism."""

from __future__ import annotations

from bridgecheck.census import cells as C
from bridgecheck.census import sweep

SELECT = "*:float32:*"  # every function, every input kind, one dtype: ~250 cells, ~1 s of work
CRASH_AT = "torch.from_numpy:float32:fortran"  # an injected abort (the real ones depend on torch)


def test_grid_is_fixed_and_covers_the_bridge():
    cells = C.all_cells()
    ids = [c.id for c in cells]
    assert len(ids) == len(set(ids)) and ids == [c.id for c in C.all_cells()]
    functions = {c.function for c in cells}
    for fn in ("torch.from_numpy", "torch.tensor", "torch.as_tensor", "torch.asarray(copy=None)",
               "torch.asarray(copy=True)", "torch.asarray(copy=False)", "torch.frombuffer",
               "torch.from_dlpack", "np.from_dlpack", "Tensor.numpy", "Tensor.numpy(force=True)",
               "np.asarray", "np.array", "Tensor.tolist"):
        assert fn in functions
    inputs = {c.input for c in cells}
    for kind in ("c-order", "fortran", "negative-step", "readonly", "byteswapped", "unaligned",
                 "matrix", "masked", "memmap", "0-d", "zero-size", "requires_grad", "conj", "neg", "meta"):
        assert kind in inputs


def test_one_cell_signature():
    alias = C.observe(C.Cell("torch.from_numpy", "float32", "c-order", C.ARRAY_TO_TORCH))
    assert (alias["exception"], alias["result_dtype"], alias["aliases"], alias["warnings"]) == (None, "float32", True, [])
    copy = C.observe(C.Cell("torch.tensor", "float64", "fortran", C.ARRAY_TO_TORCH))
    assert copy["aliases"] is False and copy["result_dtype"] == "float64"
    refused = C.observe(C.Cell("torch.from_numpy", "float32", "byteswapped", C.ARRAY_TO_TORCH))
    assert refused["exception"] == "ValueError" and "byte order" in refused["message"]
    back = C.observe(C.Cell("Tensor.tolist", "float32", "contiguous", C.TENSOR_TO_NUMPY))
    assert back["result_dtype"] == "list[float]" and back["aliases"] is None


def test_census_survives_crashes_and_is_deterministic():
    # Two censuses in fresh interpreters, started together (each imports torch), in
    # opposite orders, both with an injected crash: restarts happen at different points of
    # the sweep, and the results must still agree. One test rather than a shared fixture:
    # under an outer `pytest -n 2` a module fixture would run once per worker.
    jobs = {
        "forward": sweep.start(select=SELECT, inject_crash=CRASH_AT),
        "reverse": sweep.start(select=SELECT, inject_crash=CRASH_AT, reverse=True),
    }
    forward, reverse = (job.result() for job in jobs.values())

    # crash survival
    by_id = {c["id"]: c for c in forward["cells"]}
    assert by_id[CRASH_AT]["exception"] == "crash:SIGABRT"
    assert by_id[CRASH_AT]["result_dtype"] is None and by_id[CRASH_AT]["aliases"] is None
    # Every other cell, before and after the crash, was observed: torch 2.13's real
    # from_dlpack aborts on negative strides are crashes too, so count those apart.
    real = [c for c in forward["cells"] if c["id"] != CRASH_AT and (c["exception"] or "").startswith("crash:")]
    assert all(c["function"] == "torch.from_dlpack" for c in real)
    assert forward["restarts"] == 1 + len(real)
    assert by_id["torch.from_numpy:float32:transposed"]["aliases"] is True  # the cell right after

    # determinism and order independence
    assert forward["cells"] == reverse["cells"]
    assert [c["id"] for c in forward["cells"]] == [c.id for c in C.select(C.all_cells(), SELECT)]
    # torch warns once per process about read-only arrays; in warn-always mode every
    # read-only cell that aliases warns, whichever ran first.
    for fn in ("torch.from_numpy", "torch.as_tensor", "torch.asarray(copy=None)"):
        assert by_id[f"{fn}:float32:readonly"]["warnings"] == ["UserWarning"], fn
    assert forward["warn_mode"] == "warn-always"


def test_a_hanging_cell_times_out_and_the_sweep_goes_on():
    """In this process (no new interpreter: fast), with a one-second cell timeout."""
    import torch

    chosen = [C.Cell("torch.from_numpy", "float32", k, C.ARRAY_TO_TORCH) for k in ("c-order", "fortran", "transposed")]
    try:
        results, restarts = sweep.sweep(chosen, hang=chosen[1].id, cell_timeout=1.0)
    finally:
        torch.set_warn_always(False)  # sweep() switches it on for its (normally fresh) process
    assert [r["exception"] for r in results] == [None, "crash:TIMEOUT", None]
    assert restarts == 1 and results[2]["aliases"] is True
