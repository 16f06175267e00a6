"""Known behaviours that differ from the contract, keyed on version ranges.

``deviations.toml`` (next to this module) is the one place that says where the installed
torch/numpy are expected to depart from what a property asserts. Each entry names:

- ``id``: a stable name; ``kind``: ``"deviation"`` (torch or numpy departs from its own
  documentation) or ``"version"`` (a documented behaviour that changed at a release);
- ``property``: the test function (or a list of them) whose expectation it replaces, and
  ``aspect``: which of that property's assertions (``shares_memory``, ``raises``, ``warns``, ...);
- ``when``: facts an input must have for the entry to apply (``{ ndim = 0 }``; a list value
  means "any of"); facts come from the case (``cases.py``) and the call's options;
- ``observed``: what the property then sees instead of the contract's value;
- ``torch`` / ``numpy``: PEP 440 ranges in which the entry holds;
- ``reason``, ``upstream``: why, and the upstream issue where one exists;
- ``witness``: an input expression on which the entry is checked deterministically by
  ``conformance/test_deviations.py``, whatever Hypothesis happens to draw;
- ``probe`` / ``probe_shows``: for an entry with a version range, the probe of
  ``tools/probe_versions.py`` that shows the behaviour and a regular expression its recorded
  observation matches exactly inside the range (``tests/test_version_gates.py``);
- ``census``: globs of census cell ids that show the same behaviour; ``bridgecheck compare``
  describes their changes with the property's change instead of twice;
- ``strict`` (default true): every input matching ``when`` shows ``observed``. Set it false
  where the facts cannot say exactly which inputs do (a crash that depends on the CPU's
  vector width): drawn inputs may then show either value, and the witness must show
  ``observed``.
- ``aspect = "crash"`` entries also route matching inputs through crash isolation, in every
  version (``isolation.is_hazardous``).

An entry in range whose ``observed`` value is no longer seen, while the contract's is, fails
the property with "no longer holds": the suite notices when upstream fixes something.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from bridgecheck import versions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("deviation", "version")
REQUIRED = ("id", "kind", "property", "aspect", "observed", "reason", "witness")


class DeviationFileError(ValueError):
    """``deviations.toml`` is malformed; the message names the entry and the problem."""


@dataclass(frozen=True)
class Deviation:
    id: str
    kind: str
    property: str | list
    aspect: str
    observed: Any
    reason: str
    when: dict = field(default_factory=dict)
    torch: str = "*"
    numpy: str = "*"
    upstream: str = ""
    witness: str = ""
    strict: bool = True
    probe: str = ""
    probe_shows: str = ""
    census: list = field(default_factory=list)

    @property
    def properties(self) -> tuple[str, ...]:
        return tuple(self.property) if isinstance(self.property, list) else (self.property,)

    def in_range(self) -> bool:
        """True when the installed torch and numpy lie in this entry's ranges."""
        return versions.installed_matches(torch=self.torch, numpy=self.numpy)

    def applies_to(self, facts: dict[str, Any]) -> bool:
        """True when every ``when`` fact matches (missing facts never match)."""
        for key, wanted in self.when.items():
            if key not in facts:
                return False
            have = facts[key]
            if isinstance(wanted, list):
                if have not in wanted:
                    return False
            elif have != wanted:
                return False
        return True

    def summary(self) -> str:
        ranges = f"torch {self.torch}, numpy {self.numpy}"
        link = f" ({self.upstream})" if self.upstream else ""
        return f"{self.id} [{self.kind}; {ranges}]: {self.reason}{link}"


#: Keys whose values must be strings (``observed``/``contract`` may be any TOML value).
STRINGS = ("id", "kind", "aspect", "reason", "torch", "numpy", "upstream", "witness", "probe", "probe_shows")
UPSTREAM = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+")


def parse(text: str, source: str = "deviations.toml") -> tuple[Deviation, ...]:
    """Entries of a deviations file; raises ``DeviationFileError`` naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeviationFileError(f"{source}: not valid TOML: {exc}") from None
    others = sorted(set(data) - {"entry"})
    if others:
        raise DeviationFileError(f"{source}: unknown top-level keys {others}; entries are [[entry]] tables")
    raws = data.get("entry", [])
    if not isinstance(raws, list) or not all(isinstance(r, dict) for r in raws):
        raise DeviationFileError(f"{source}: 'entry' must be an array of tables: write each as [[entry]]")
    entries = []
    seen = set()
    for n, raw in enumerate(raws, 1):
        name = raw.get("id", f"entry #{n}")
        missing = [k for k in REQUIRED if k not in raw]
        if missing:
            raise DeviationFileError(f"{source}: {name}: missing {', '.join(missing)}")
        unknown = set(raw) - set(Deviation.__dataclass_fields__)
        if unknown:
            raise DeviationFileError(
                f"{source}: {name}: unknown keys {sorted(unknown)}; allowed: {sorted(Deviation.__dataclass_fields__)}"
            )
        not_text = [k for k in STRINGS if k in raw and not isinstance(raw[k], str)]
        if not_text:
            raise DeviationFileError(f"{source}: {name}: {', '.join(not_text)} must be strings")
        prop = raw["property"]
        if not (isinstance(prop, str) or isinstance(prop, list) and prop and all(isinstance(p, str) for p in prop)):
            raise DeviationFileError(f"{source}: {name}: property must be a test name or a list of them")
        if raw["kind"] not in KINDS:
            raise DeviationFileError(f"{source}: {name}: kind {raw['kind']!r} must be one of {KINDS}")
        if name in seen:
            raise DeviationFileError(f"{source}: {name}: duplicate id")
        for key in ("reason", "witness"):
            if not raw[key].strip():
                raise DeviationFileError(f"{source}: {name}: {key} is empty")
        if not isinstance(raw.get("when", {}), dict):
            raise DeviationFileError(f"{source}: {name}: when must be a table of facts, e.g. when = {{ ndim = 0 }}")
        for key in ("torch", "numpy"):
            try:
                versions.matches(raw.get(key, "*"), versions.parse("1.0"))
            except Exception:  # noqa: BLE001 - any parse failure is a file error
                raise DeviationFileError(f"{source}: {name}: bad {key} range {raw[key]!r}") from None
        if raw.get("upstream") and not UPSTREAM.fullmatch(raw["upstream"]):
            raise DeviationFileError(
                f"{source}: {name}: upstream {raw['upstream']!r} is not a GitHub issue or pull request "
                "link (https://github.com/OWNER/REPO/issues/N)"
            )
        try:
            compile(f"dict({raw['witness']})", f"{source}:{name}:witness", "eval")
        except SyntaxError as exc:
            raise DeviationFileError(
                f"{source}: {name}: witness is not a keyword-argument list ({exc.msg}): {raw['witness']!r}"
            ) from None
        census = raw.get("census", [])
        if not (isinstance(census, list) and all(isinstance(g, str) and g for g in census)):
            raise DeviationFileError(f"{source}: {name}: census must be a list of cell-id globs")
        try:
            re.compile(raw.get("probe_shows", ""))
        except re.error as exc:
            raise DeviationFileError(f"{source}: {name}: probe_shows is not a regular expression ({exc})") from None
        seen.add(name)
        entries.append(Deviation(**raw))
    return tuple(entries)


@functools.cache
def load() -> tuple[Deviation, ...]:
    """Every entry of the packaged ``deviations.toml``."""
    text = resources.files("bridgecheck").joinpath("deviations.toml").read_text(encoding="utf-8")
    return parse(text)


def matching(prop: str, aspect: str, facts: dict[str, Any]) -> list[Deviation]:
    """Entries for ``prop``/``aspect`` whose ``when`` matches ``facts`` and whose range holds."""
    return [
        d
        for d in load()
        if prop in d.properties and d.aspect == aspect and d.in_range() and d.applies_to(facts)
    ]


def crash_entries(prop: str | None) -> list[Deviation]:
    """Entries of ``prop`` about crashes, whatever their version range."""
    return [d for d in load() if d.aspect == "crash" and prop in d.properties]


def by_id(ident: str) -> Deviation:
    for d in load():
        if d.id == ident:
            return d
    raise KeyError(ident)
