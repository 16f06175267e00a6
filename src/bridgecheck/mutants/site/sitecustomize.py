"""Applies ``BRIDGECHECK_MUTANT`` in interpreters that properties start themselves.

The mutant runner puts this folder on ``PYTHONPATH`` of each mutant's run only, so a fresh
``python`` started by a property (the read-only warning table forks one) runs the same mutated
bridge as the run that started it. Without the variable it does nothing. (It shadows any other
``sitecustomize`` for those runs; this project has none.)
"""

import os

if os.environ.get("BRIDGECHECK_MUTANT"):
    try:
        from bridgecheck.mutants.apply import apply_from_env

        apply_from_env()
    except Exception as exc:  # noqa: BLE001 - the pytest plugin reports applicability
        import sys

        print(f"bridgecheck sitecustomize: mutant not applied: {exc}", file=sys.stderr)
