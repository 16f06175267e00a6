"""Behaviour census: a deterministic sweep over bridge function x dtype x input kind that
records what each call *does* (exception type, result dtype, aliasing, warning categories),
whatever the contract says. Reports carry it under ``census``; ``bridgecheck compare`` shows
how it moved between two environments.

``cells`` defines the sweep (pure data plus the calls); ``sweep`` runs it crash-proof.
"""
