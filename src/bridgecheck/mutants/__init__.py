"""Mutants: faults planted in the bridge, one per run, to measure what the suite can catch.

Each mutant (``catalogue.py``) is a realistic regression a torch or NumPy release could bring,
applied by replacing one public function (``torch.from_numpy``, ``torch.Tensor.numpy``,
``numpy.from_dlpack``, ...) in a child process only (``apply.py``, a pytest plugin driven by
``BRIDGECHECK_MUTANT``). ``runner.py`` runs the conformance suite once per mutant and reports
which were killed (a property failed), which survived (the suite passed: a gap in the
properties) and which do not apply to the installed versions. ``bridgecheck mutants`` is the
command.

Dependencies run one way: ``registry`` (what a mutant is, the table, the applied one) at the
bottom; ``catalogue`` and ``operations`` register into it; ``apply`` and ``runner`` read it.
The two mutant modules are imported here, in this order, so the table is complete (and in the
same order) wherever any module of the package is imported.
"""

from bridgecheck.mutants import catalogue, operations  # noqa: F401 - they register their mutants
