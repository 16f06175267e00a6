"""Errors bridgecheck reports to its user as one line (never a traceback)."""


class UsageProblem(Exception):
    """Bad input to bridgecheck itself: printed as one line, exit status 2."""
