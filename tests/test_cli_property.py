"""A property of the command line itself: whatever arguments a user types, bridgecheck ends
with a documented exit status, one line instead of a traceback, and no damaged file.

Hypothesis draws argument lists from each subcommand's grammar: good and bad option values
(worker counts, profiles, timeouts, repeat and run counts, mutant names, topics), input
reports of every kind (good, incomplete, damaged byte-wise or structurally, missing, a folder,
a file made unreadable) and output paths of every kind (new, in a folder still to create,
a folder, below a file, in a read-only folder). Each drawn element knows whether it is valid.

For every draw: exit 0, 1 or 2; no exception escapes and no "Traceback" on stderr; when an
element is invalid, exit 2 with one line on stderr, **before any work starts**; when all are
valid, no exit 2; no temporary file is left; every file that existed is byte for byte as it
was, except the declared output of a command that succeeded.

Bounded for the default test run: the expensive work (the pytest run of ``run``, the suite
runs of ``bench``/``flakes``, the mutant runs, the claim checks) is replaced by a sentinel
that records that work started; compare, matrix and ``mutants --list`` run for real. Real
runs of the suite are in tests/test_cli_cases.py, each on a small selection.

As root (this project's CI), permission bits do not stop reads or writes: an "unreadable"
report or a "read-only" folder is then valid, and the element asks the file system (by trying)
rather than assuming.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridgecheck import cli
from tests import reportkit as rk


class WorkStarted(Exception):
    """Raised by the stand-ins of the expensive work: argument checking is over."""


def _work(*args, **kwargs):
    raise WorkStarted


# Where each command's expensive work begins (looked up at call time by the commands).
WORK = ["bridgecheck.commands.run.launch", "bridgecheck.measure.run_suite",
        "bridgecheck.mutants.runner.run", "bridgecheck.claims.runner.run"]


@dataclass
class Draw:
    """An argument list being built, and what is known about it."""

    argv: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # why the draw must be refused
    output: Path | None = None  # the file a successful run writes
    env_profile: str | None = None

    def add(self, *parts: str, bad: str | None = None) -> None:
        self.argv.extend(parts)
        if bad:
            self.invalid.append(bad)


# --- the sandbox: files of every kind ------------------------------------------------------

def _good(label: str, outcome: str) -> dict:
    return rk.report(label, [rk.prop("conformance/test_fn.py::test_a", outcome),
                             rk.prop("conformance/test_fn.py::test_b", "conforms")])


def _writes(folder: Path) -> bool:
    """Whether a file can really be created in ``folder`` (root ignores permission bits)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


def _reads(path: Path) -> bool:
    try:
        path.read_bytes()
    except OSError:
        return False
    return True


def make_sandbox(root: Path) -> Path:
    root.mkdir()
    rk.write(root / "old.json", _good("torch 2.13.0", "conforms"))
    rk.write(root / "new.json", _good("torch 2.14.1", "new-failure"))
    rk.write(root / "incomplete.json", rk.variant(_good("torch 2.14.1", "conforms"), complete=False))
    rk.write(root / "unreadable.json", _good("torch 2.15.0", "conforms"))
    (root / "unreadable.json").chmod(0)
    (root / "allow.toml").write_text('[[allow]]\nproperty = "*test_a"\nreason = "accepted in review"\n')
    (root / "file").write_text("not a folder\n")
    (root / "folder").mkdir()
    (root / "readonly").mkdir()
    (root / "readonly").chmod(0o555)
    return root


@st.composite
def damaged_report(draw, root: Path) -> str:
    """A report damaged so that it is certainly not a usable one, written into ``root``."""
    data = _good("torch 2.13.0", "conforms")
    how = draw(st.sampled_from(["truncate", "byte", "drop-key", "retype", "complete", "version"]))
    text = json.dumps(data).encode()
    if how == "truncate":  # any cut before the closing brace
        text = text[: draw(st.integers(0, len(text) - 2))]
    elif how == "byte":  # NUL is invalid anywhere in JSON text, 0xff anywhere in UTF-8
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from([b"\x00", b"\xff"])) + text[at:]
    else:
        if how == "drop-key":
            del data[draw(st.sampled_from(["properties", "run", "environment", "collection_errors", "census"]))]
        elif how == "retype":
            data[draw(st.sampled_from(["properties", "run", "complete", "created"]))] = 7
        elif how == "complete":
            data["complete"] = draw(st.sampled_from([False, "yes", None]))
        else:
            data["schema_version"] = draw(st.sampled_from([0, 2, "1"]))
        text = json.dumps(data).encode()
    path = root / f"damaged-{how}.json"
    path.write_bytes(text)
    return str(path)


def report_input(root: Path):
    """(path, why it is refused or None)."""
    good = st.sampled_from([(str(root / "old.json"), None), (str(root / "new.json"), None)])
    unreadable = root / "unreadable.json"
    bad = st.sampled_from([
        (str(root / "incomplete.json"), "an incomplete run"),
        (str(root / "missing.json"), "a missing file"),
        (str(root / "folder"), "a folder"),
        (str(root / "file" / "below.json"), "below a file"),
        (str(unreadable), None if _reads(unreadable) else "unreadable"),
    ])
    return st.one_of(good, good, bad, damaged_report(root).map(lambda p: (p, "damaged")))


def output_file(root: Path, name: str):
    """(path, why it is refused or None) of a file to write."""
    return st.sampled_from([
        (root / "out" / name, None),
        (root / "new" / "deeper" / name, None),  # folders to create
        (root / "folder", "a folder"),
        (root / "file" / name, "below a file"),
        (root / "readonly" / name, None if _writes(root / "readonly") else "a read-only folder"),
    ])


def output_folder(root: Path):
    return st.sampled_from([
        (root / "logs", None),
        (root / "folder", None),
        (root / "file", "a file"),
        (root / "file" / "logs", "below a file"),
        (root / "readonly" / "logs", None if _writes(root / "readonly") else "a read-only folder"),
    ])


def choice(pairs):
    """One of ``(argument, why it is refused or None)``."""
    return st.sampled_from(pairs)


WORKERS = [("2", None), ("1", None), ("-1", "negative"), ("100000", "too many"), ("x", "not a number")]
PROFILES = [("ci", None), ("dev", None), ("nosuch", "unknown profile")]


@st.composite
def invocation(draw, root: Path) -> Draw:
    d = Draw()
    command = draw(st.sampled_from(["compare", "matrix", "run", "bench", "flakes", "mutants", "claims"]))
    d.add(command)

    def maybe(flag: str, pairs) -> None:
        if draw(st.booleans()):
            value, bad = draw(choice(pairs) if isinstance(pairs, list) else pairs)
            d.add(flag, str(value), bad=bad and f"{flag}: {bad}")
            return value if not bad else None
        return None

    if command == "compare":
        old, new = draw(report_input(root)), draw(report_input(root))
        d.add(old[0], new[0], bad=old[1] or new[1] or ("the same report twice" if old[0] == new[0] else None))
        maybe("--allow", [(str(root / "allow.toml"), None), (str(root / "missing.toml"), "missing"),
                          (str(root / "folder"), "a folder")])
    elif command == "matrix":
        reports = draw(st.lists(report_input(root), min_size=1, max_size=3))
        for path, bad in reports:
            d.add(path, bad=bad)
        if len({p for p, _ in reports}) < len(reports):
            d.invalid.append("a report twice")
        d.output = maybe("-o", output_file(root, "m.html"))
        if d.output is None and "-o" not in d.argv:
            d.add("-o", str(root / "m.html"))
            d.output = root / "m.html"
    elif command == "run":
        maybe("-n", WORKERS + [("auto", None), ("0", None)])
        maybe("--profile", PROFILES)
        maybe("-o", output_file(root, "report.json"))
        d.env_profile = draw(st.sampled_from([None, "ci", "nosuch"]))
        if d.env_profile == "nosuch" and "--profile" not in d.argv:
            d.invalid.append("BRIDGECHECK_PROFILE unknown")
        d.add("--no-census", "-k", "test_bridge_available")
    elif command == "bench":
        maybe("-n", [("2", None), ("1", "fewer than 2"), ("-1", "negative"), ("100000", "too many")])
        maybe("--repeat", [("1", None), ("0", "zero"), ("-2", "negative"), ("x", "not a number")])
        maybe("--profile", PROFILES)
        maybe("--json", output_file(root, "bench.json"))
    elif command == "flakes":
        maybe("--runs", [("1", None), ("0", "zero"), ("x", "not a number")])
        maybe("-n", WORKERS + [("0", None)])
        maybe("--profile", PROFILES)
    elif command == "mutants":
        name = draw(st.sampled_from([("from-numpy-copies", None), ("numpy-*", None), ("nosuch", "no such mutant")]))
        d.add(name[0], bad=name[1])
        maybe("-j", WORKERS)
        maybe("--timeout", [("900", None), ("0.5", None), ("0", "zero"), ("-1", "negative"), ("nan", "not a time"),
                            ("inf", "not a time"), ("x", "not a number")])
        maybe("--profile", PROFILES)
        maybe("--markdown", output_file(root, "mutants.md"))
        maybe("--logs", output_folder(root))
        if draw(st.booleans()):
            d.add("--list")
    else:
        maybe("--topic", [("scalars", None), ("astrology", "unknown topic")])
        maybe("--markdown", output_file(root, "claims.md"))
    if command != "run" and draw(st.integers(0, 9)) == 0:  # run passes unknown options to pytest
        d.add("--no-such-option", bad="unknown option")
    return d


def _files(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders and unreadable files)."""
    seen = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        seen[rel] = path.read_bytes() if path.is_file() and _reads(path) else None
    return seen


def _invoke(argv: list[str], env_profile: str | None) -> tuple[int | str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for target in WORK:
            mp.setattr(target, _work)
        if env_profile is None:
            mp.delenv("BRIDGECHECK_PROFILE", raising=False)
        else:
            mp.setenv("BRIDGECHECK_PROFILE", env_profile)
        try:
            status: int | str = cli.main(argv)
        except WorkStarted:
            status = "work started"
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def sandboxes(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli-property")
    yield base
    for ro in base.rglob("readonly"):  # let pytest clean up
        ro.chmod(0o755)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_command_line_ends_documented_and_damages_nothing(sandboxes, data):
    root = make_sandbox(Path(tempfile.mkdtemp(dir=sandboxes)) / "sandbox")
    d = data.draw(invocation(root), label="invocation")
    before = _files(root)
    status, out, err = _invoke(d.argv, d.env_profile)
    after = _files(root)
    shown = f"bridgecheck {' '.join(d.argv)} (BRIDGECHECK_PROFILE={d.env_profile}) -> {status!r}\nstderr: {err}"

    assert "Traceback" not in err, shown
    if d.invalid:
        assert status == 2, f"refused for {d.invalid}, but: {shown}"
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("bridgecheck"), f"want one line on stderr: {shown}"
    else:
        assert status in (0, 1, "work started"), f"all valid, but: {shown}"

    leftovers = [p for p in after if p.endswith(".tmp") or ".bridgecheck-probe" in p]
    assert not leftovers, f"temporary files left: {leftovers}; {shown}"
    written = str(d.output.relative_to(root)) if d.output is not None and status == 0 else None
    changed = [p for p in before if before[p] != after.get(p, b"gone") and p != written]
    assert not changed, f"files changed: {changed}; {shown}"
    new = {p for p in after if p not in before} - {written}
    if written:  # the folders created on the way to the output
        new -= {str(Path(written).parents[i]) for i in range(len(Path(written).parents) - 1)}
    assert not new, f"files created: {sorted(new)}; {shown}"
