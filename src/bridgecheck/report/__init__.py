"""Conformance reports: one JSON file per run (``plugin``), its schema (``schema``), the
environment it records (``env``) and the terminal summary ``bridgecheck run`` prints
(``summary``). The format is documented in ``docs/report-schema.md``.
"""
