"""The deviations file: malformed entries are refused with one clear message, the shipped
file is well formed and points at real properties, and version ranges match as documented."""

from __future__ import annotations

import inspect
import re

import pytest
from packaging.version import Version

from bridgecheck import deviations, versions
from bridgecheck.deviations import DeviationFileError, parse
from bridgecheck.witness import find_property, witness_arguments

GOOD = """
[[entry]]
id = "sample"
kind = "deviation"
property = "test_something"
aspect = "raises"
observed = "TypeError"
reason = "why it happens"
witness = "case=array(dtype='Q', shape=(3,))"
"""


def with_line(line: str, text: str = GOOD) -> str:
    return text.rstrip() + "\n" + line + "\n"


def without(key: str, text: str = GOOD) -> str:
    return re.sub(rf"^{key} = .*\n", "", text, flags=re.M)


def replaced(key: str, value: str, text: str = GOOD) -> str:
    return re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)


def test_a_good_entry_parses():
    (entry,) = parse(GOOD)
    assert (entry.id, entry.kind, entry.torch, entry.numpy, entry.when) == ("sample", "deviation", "*", "*", {})
    assert parse("") == ()


@pytest.mark.parametrize(
    "text,words",
    [
        (without("reason"), ["sample", "missing reason"]),
        (without("witness"), ["sample", "missing witness"]),
        (without("aspect", without("observed")), ["sample", "missing", "aspect", "observed"]),
        (without("id"), ["entry #1", "missing id"]),
        (replaced("kind", '"bug"'), ["sample", "kind 'bug'", "deviation", "version"]),
        (GOOD + GOOD, ["sample", "duplicate id"]),
        (with_line('colour = "red"'), ["sample", "unknown keys ['colour']", "allowed"]),
        (with_line('torch = ">=2.x"'), ["sample", "bad torch range '>=2.x'"]),
        (with_line('numpy = "2.0 to 2.4"'), ["sample", "bad numpy range"]),
        (with_line("torch = 2"), ["sample", "torch must be strings"]),
        (replaced("id", "3"), ["id must be strings"]),
        (replaced("reason", '""'), ["sample", "reason is empty"]),
        (with_line("when = 3"), ["sample", "when must be a table"]),
        (with_line('upstream = "see the tracker"'), ["sample", "upstream", "not a GitHub issue"]),
        (with_line('upstream = "http://github.com/pytorch/pytorch/issues/1"'), ["not a GitHub issue"]),
        (replaced("witness", '"case=array(dtype="'), ["sample", "witness is not a keyword-argument list"]),
        ('[[entry]\nid = "x"', ["not valid TOML"]),
        ('id = "x"\n[[entry]]\nid = "y"', ["unknown top-level keys ['id']"]),
        (GOOD.replace("[[entry]]", "[[entries]]"), ["unknown top-level keys ['entries']", "[[entry]]"]),
        (GOOD.replace("[[entry]]", "[entry]"), ["array of tables", "[[entry]]"]),
        ("entry = 3", ["array of tables"]),
    ],
    ids=[
        "no reason", "no witness", "two missing", "no id", "bad kind", "duplicate", "unknown key", "bad torch range",
        "bad numpy range", "range not a string", "id not a string", "empty reason", "when not a table",
        "upstream not a link", "upstream not https", "witness not python", "invalid toml", "stray top-level key",
        "misspelt entry", "single table", "entry not tables",
    ],
)
def test_malformed_entries_are_refused_with_one_clear_message(text, words):
    with pytest.raises(DeviationFileError) as info:
        parse(text, source="test.toml")
    message = str(info.value)
    assert message.startswith("test.toml: "), message
    missing = [w for w in words if w not in message]
    assert not missing, f"message lacks {missing}: {message!r}"
    assert message.count("\n") <= 3, f"one message, not a traceback: {message!r}"  # TOML errors quote a line


def test_later_errors_name_their_entry():
    second = GOOD.replace('"sample"', '"second"').replace('"deviation"', '"oops"')
    with pytest.raises(DeviationFileError, match=r"second: kind 'oops'"):
        parse(GOOD + second)


# --- the shipped file ------------------------------------------------------------------------

SHIPPED = deviations.load()


def test_the_shipped_file_parses_and_is_not_empty():
    assert SHIPPED, "deviations.toml has no entries"
    assert len({d.id for d in SHIPPED}) == len(SHIPPED)


@pytest.mark.parametrize("entry", SHIPPED, ids=[d.id for d in SHIPPED])
def test_shipped_entry_points_at_a_real_property(entry):
    for name in entry.properties:
        find_property(name)  # LookupError names what is missing
    prop = find_property(entry.properties[0])  # the one the witness runs
    assert entry.reason.strip() and len(entry.reason) >= 40, f"{entry.id}: say why, not just what"
    assert entry.witness.strip(), f"{entry.id}: no witness"
    arguments = witness_arguments(entry)
    inner = getattr(getattr(prop, "hypothesis", None), "inner_test", prop)
    parameters = set(inspect.signature(inner).parameters)
    assert set(arguments) == parameters, f"{entry.id}: witness gives {sorted(arguments)}, {entry.properties[0]} takes {sorted(parameters)}"
    if entry.upstream:
        assert deviations.UPSTREAM.fullmatch(entry.upstream), entry.upstream
    for key in ("torch", "numpy"):
        versions.matches(getattr(entry, key), Version("1.0"))  # parses


# --- version ranges --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec,version,expected",
    [
        ("*", "2.13.0+cpu", True),
        ("", "1.26.4", True),
        (" * ", "0.1", True),
        (">=2.3", "2.13.0+cpu", True),
        ("<=2.13.0", "2.13.0+cpu", True),  # the local label is not a later version
        ("==2.13.0", "2.13.0+cu121", True),
        ("<2.13", "2.13.0+cpu", False),
        (">=2.3,<2.13", "2.13.0+cpu", False),
        (">=2.3,<2.14", "2.13.0+cpu", True),
        (">=2.14", "2.14.0.dev20250101+cpu", False),  # a nightly is before its release
        (">=2.14.0.dev0", "2.14.0.dev20250101+cpu", True),
        ("<2.14", "2.13.1rc1", True),  # pre-releases count
        ("<2.14", "2.14.0rc1", False),  # PEP 440: <V excludes V's own pre-releases
        (">=2.0", "2.4.6", True),
    ],
)
def test_version_ranges(spec, version, expected):
    assert versions.matches(spec, versions.parse(version)) is expected
    assert versions.matches(spec, Version(version)) is expected  # local label kept by the caller
    assert versions.matches(spec, version) is expected


def test_parse_drops_the_local_label():
    assert versions.parse("2.13.0+cpu") == Version("2.13.0")
    assert str(versions.parse("2.14.0.dev20250101+cu124")) == "2.14.0.dev20250101"


def test_installed_versions_are_in_their_own_exact_range():
    import numpy
    import torch

    assert versions.installed_matches(torch="*", numpy="*")
    assert versions.installed_matches(torch=f"=={versions.parse(torch.__version__)}", numpy=f"=={numpy.__version__}")
    assert not versions.installed_matches(torch="<1.0")
