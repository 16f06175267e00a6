"""Argument checks shared by the subcommands: all of them run before any work starts.

The argparse ``type=`` functions below turn a bad value into one line (``bridgecheck run:
argument -n/--workers: ...``, exit 2, see ``bridgecheck.cli``); the other functions check what
argparse cannot: the environment's profile, duplicate inputs, output paths
(``bridgecheck.outputs``).
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from bridgecheck.errors import UsageProblem
from bridgecheck.profiles import PROFILE_ENV, profile_problem

#: More workers than this only queue for the CPUs (and -n 100000 would start to fork-bomb).
MAX_WORKERS = 4 * (os.cpu_count() or 1)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def at_least(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number in [minimum, maximum]."""
    def parse(text: str) -> int:
        value = _int(text)
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise argparse.ArgumentTypeError(f"{value} is out of range; give at least {minimum}{upper}")
        return value
    parse.__name__ = "number"
    return parse


def workers(minimum: int = 0, *, auto: bool = False):
    """An argparse type: a worker count in [minimum, MAX_WORKERS] (0: serial, no worker
    processes), or ``auto`` (one per CPU) where pytest-xdist chooses."""
    def parse(text: str) -> int | str:
        if auto and text == "auto":
            return text
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not minimum <= value <= MAX_WORKERS:
            choices = f"a whole number from {minimum} to {MAX_WORKERS} (4 per CPU)" + (", or auto" if auto else "")
            raise argparse.ArgumentTypeError(f"{text!r} is not a usable number of workers; give {choices}")
        return value
    parse.__name__ = "workers"
    return parse


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text} is not a usable time; give seconds above 0, e.g. 900")
    return value


def profile(text: str) -> str:
    """An argparse type: a profile the root conftest registers."""
    problem = profile_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def environment_profile() -> None:
    """Refuse an unknown ``BRIDGECHECK_PROFILE`` before a suite run inherits it."""
    name = os.environ.get(PROFILE_ENV)
    if name is not None:
        problem = profile_problem(name)
        if problem:
            raise UsageProblem(f"{PROFILE_ENV}: {problem}")


def distinct(paths: list[str], what: str) -> None:
    """Refuse the same input file twice (by its real path, so ``a.json`` = ``./a.json``)."""
    seen: dict[str, str] = {}
    for given in paths:
        key = os.path.realpath(given)
        if key in seen:
            also = "" if given == seen[key] else f" (also as {seen[key]})"
            raise UsageProblem(f"{what} {given} is given twice{also}; give each file once")
        seen[key] = given


def not_an_input(output: Path, inputs: list[str], option: str) -> None:
    """Refuse an output path that would overwrite one of the inputs."""
    for given in inputs:
        if os.path.realpath(given) == os.path.realpath(output):
            raise UsageProblem(f"{option} {output} is also an input ({given}); write the output elsewhere")
