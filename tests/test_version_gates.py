"""Every version gate is backed by a probe, and the recorded probe results agree with it.

A gate is a torch AND numpy range: a ``versions.GATES`` entry (a property that only exists in
some versions) or a ranged entry of ``deviations.toml``. Each names a probe of
``tools/probe_versions.py`` and a regular expression its observation matches exactly inside
the range. The probe results recorded for every torch minor 2.2-2.15 (``docs/version-probes``,
made with ``tools/probe_versions.py --out`` in each pair's environment) are the evidence: a
gate without a probe, a probe result on the wrong side of a range, or a range whose boundary
no recorded pair tests fails here. Runs on the installed torch only: it reads recorded files.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bridgecheck import deviations, versions

ROOT = Path(__file__).resolve().parents[1]
PROBE_DIR = ROOT / "docs" / "version-probes"
PROBE_TOOL = ROOT / "tools" / "probe_versions.py"
#: The torch minors the probe table must cover, each with the numpy of its era and the newest.
MINORS = [f"2.{n}" for n in range(2, 16)]


@dataclass(frozen=True)
class Pair:
    """One recorded probe run: its versions and observations."""

    source: str
    torch: str
    numpy: str
    probes: dict

    @property
    def has_bridge(self) -> bool:
        return str(self.probes.get("bridge.t_numpy", "")).startswith("ok")

    def shows(self, probe: str, pattern: str) -> bool | None:
        """Whether ``probe``'s observation matches ``pattern``; None when not recorded."""
        if probe not in self.probes:
            return None
        seen = self.probes[probe]
        # {"result": ..., "warnings": [...]}: the result first, so "^" anchors at it
        text = seen if isinstance(seen, str) else f"{seen.get('result', '')} {json.dumps(seen)}"
        return re.search(pattern, text) is not None


@dataclass(frozen=True)
class Ranged:
    """A gate or a ranged deviation entry: what the checks need of either."""

    name: str
    torch: str
    numpy: str
    probe: str
    shows: str

    def holds_on(self, pair: Pair) -> bool:
        return versions.matches(self.torch, versions.parse(pair.torch)) and versions.matches(
            self.numpy, versions.parse(pair.numpy)
        )


def load_pairs(directory: Path = PROBE_DIR) -> list[Pair]:
    pairs = []
    for path in sorted(directory.rglob("*.json")):
        data = json.loads(path.read_text())
        pairs.append(Pair(str(path.relative_to(directory)), data["env"]["torch"], data["env"]["numpy"], data["probes"]))
    return pairs


def ranged_items() -> list[Ranged]:
    items = [Ranged(f"gate {g.name}", g.torch, g.numpy, g.probe, g.shows) for g in versions.GATES.values()]
    for entry in deviations.load():
        if (entry.torch.strip(), entry.numpy.strip()) != ("*", "*") or entry.probe:
            items.append(Ranged(f"deviations.toml {entry.id}", entry.torch, entry.numpy, entry.probe, entry.probe_shows))
    return items


def disagreements(items: list[Ranged], pairs: list[Pair]) -> list[str]:
    """Every way ``items`` and the recorded ``pairs`` disagree, one line each.

    Items that name the same probe and pattern are read together (two causes of one
    observation, such as NumPy < 2.2.5 and torch < 2.9 both giving read-only imports): the
    observation must match exactly where at least one of them holds."""
    problems = []
    bridged = [p for p in pairs if p.has_bridge]
    groups: dict[tuple[str, str], list[Ranged]] = {}
    for item in items:
        if not item.probe or not item.shows:
            problems.append(f"{item.name} (torch {item.torch}, numpy {item.numpy}) cites no probe: "
                            "add probe = and probe_shows = naming a probe of tools/probe_versions.py")
            continue
        groups.setdefault((item.probe, item.shows), []).append(item)
    for (probe, shows), members in groups.items():
        recorded = [p for p in bridged if p.shows(probe, shows) is not None]
        names = ", ".join(m.name for m in members)
        if not recorded:
            problems.append(f"{names}: probe {probe!r} is recorded for no pair in docs/version-probes")
            continue
        for pair in recorded:
            inside = any(m.holds_on(pair) for m in members)
            if pair.shows(probe, shows) != inside:
                seen = str(pair.probes[probe])[:120]
                problems.append(f"{names}: torch {pair.torch} numpy {pair.numpy} ({pair.source}) is "
                                f"{'inside' if inside else 'outside'} the range but probe {probe!r} "
                                f"{'does not match' if inside else 'matches'} {shows!r}: {seen}")
        for m in members:
            if not any(m.holds_on(p) for p in recorded):
                problems.append(f"{m.name}: no recorded pair with probe {probe!r} lies inside "
                                f"torch {m.torch}, numpy {m.numpy}")
            if any(not m.holds_on(p) for p in bridged) and all(m.holds_on(p) for p in recorded):
                problems.append(f"{m.name}: no recorded pair with probe {probe!r} lies outside "
                                f"torch {m.torch}, numpy {m.numpy}: the boundary is untested")
    return problems


PAIRS = load_pairs()


def probe_names() -> set[str]:
    spec = importlib.util.spec_from_file_location("probe_versions", PROBE_TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return set(tool.PROBES)


def test_every_gate_cites_a_probe_of_the_probe_tool():
    defined = probe_names()
    missing = [f"{item.name}: {item.probe!r}" for item in ranged_items() if item.probe and item.probe not in defined]
    assert not missing, f"probes not defined in {PROBE_TOOL.name}: {missing}"


def test_every_gate_agrees_with_the_recorded_probe_results():
    problems = disagreements(ranged_items(), PAIRS)
    assert not problems, "\n".join(problems)


def test_the_probe_table_covers_every_torch_minor_with_an_era_and_the_newest_numpy():
    """Each sweep pair of tox.ini (a torch minor with a numpy of its era) is recorded, and each
    torch minor with the newest numpy it runs with (2.4.6 on Python 3.11; 1.26.4 for torch 2.2,
    built against NumPy 1)."""
    from tests.test_tox_matrix import labels, pins

    recorded = {(versions.parse(p.torch), versions.parse(p.numpy)) for p in PAIRS}
    known = pins()
    missing = []
    for env in labels()["sweep"]:
        torch, numpy = (versions.parse(known[f].split("==")[1]) for f in env.split("-")[:2])
        if (torch, numpy) not in recorded:
            missing.append(f"{env}: torch {torch} with numpy {numpy} (era)")
    for minor in MINORS:
        newest = versions.parse("1.26.4" if minor == "2.2" else "2.4.6")
        if not any(t.base_version.startswith(minor + ".") and n >= newest for t, n in recorded):
            missing.append(f"torch {minor}: no pair with numpy >= {newest} (newest)")
    assert not missing, "the probe table lacks:\n" + "\n".join(missing)


# --- the checker itself fails on what it must catch ---------------------------------------

def pair(torch: str, numpy: str, **probes) -> Pair:
    return Pair(f"{torch}-{numpy}", torch, numpy, {"bridge.t_numpy": "ok: float32", **probes})


SYNTHETIC = [pair("2.8.0", "2.2.6", p="RuntimeError: x"), pair("2.9.1", "2.2.6", p="BufferError: x"),
             pair("2.10.0", "2.4.6", p="RuntimeError: y")]


@pytest.mark.parametrize(
    "item,words",
    [
        (Ranged("off-by-one", ">=2.9", "*", "p", "^BufferError"), ["off-by-one", "2.10.0", "inside", "does not match"]),
        (Ranged("no probe", "<2.9", "*", "", ""), ["no probe", "cites no probe"]),
        (Ranged("unrecorded", "<2.9", "*", "q", "x"), ["unrecorded", "'q'", "recorded for no pair"]),
        (Ranged("nothing inside", "<2.0", "*", "p", "^Nope"), ["nothing inside", "lies inside"]),
        (Ranged("numpy half", ">=2.9,<2.10", ">=2.3", "p", "^BufferError"), ["numpy half", "2.9.1", "outside", "matches"]),
    ],
)
def test_the_checker_reports_a_gate_that_disagrees_with_its_probe(item, words):
    problems = "\n".join(disagreements([item], SYNTHETIC))
    assert all(w in problems for w in words), problems


def test_the_checker_accepts_a_gate_that_agrees_and_two_causes_of_one_observation():
    exact = Ranged("exact", ">=2.9,<2.10", "*", "p", "^BufferError")
    old_torch = Ranged("old torch", "<2.9", "*", "p", "^RuntimeError")
    new_torch = Ranged("new torch", ">=2.10", "*", "p", "^RuntimeError")
    assert disagreements([exact, old_torch, new_torch], SYNTHETIC) == []
    assert disagreements([old_torch], SYNTHETIC)  # 2.10.0 shows RuntimeError outside old_torch


def test_the_checker_wants_the_boundary_tested():
    problems = disagreements([Ranged("wide", ">=2.0", "*", "p", "Error")], SYNTHETIC + [pair("2.2.2", "1.26.4")])
    assert "boundary is untested" not in "\n".join(problems)
    problems = disagreements([Ranged("cut", ">=2.8", "*", "p", "Error")], SYNTHETIC + [pair("2.2.2", "1.26.4")])
    assert "cut: no recorded pair with probe 'p' lies outside" in "\n".join(problems)


def test_properties_branch_on_versions_only_through_gates():
    """A version comparison in a property bypasses the probe table: use a gate."""
    bare = re.compile(r"torch_version\(|numpy_version\(|installed_matches\(|__version__|Version\(")
    named = re.compile(r"\b(?:skip_unless\(|gate\(|gate=)\"([^\"]+)\"")
    offenders, used = [], set()
    for path in sorted((ROOT / "conformance").rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if bare.search(line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
            used.update(named.findall(line))
    assert not offenders, "version branches outside versions.GATES:\n" + "\n".join(offenders)
    assert used <= set(versions.GATES), f"unknown gates: {sorted(used - set(versions.GATES))}"
    assert set(versions.GATES) <= used, f"gates no property uses: {sorted(set(versions.GATES) - used)}"


def test_a_closed_gate_skips_with_a_reason_compare_reads_as_not_applicable(monkeypatch):
    from bridgecheck import compare

    closed = versions.Gate("closed", "a call of torch 9", probe="p", shows="x", torch=">=9")
    monkeypatch.setitem(versions.GATES, "closed", closed)
    reason = versions.skip_reason("closed")
    assert reason.startswith("not applicable: needs torch >=9, numpy * (installed: torch ")
    assert reason.endswith(": a call of torch 9") and compare.not_applicable(
        {"outcome": "skipped", "skip_reason": reason})
    assert [m.name for m in versions.skip_marks("closed")] == ["skip"]
    assert versions.skip_reason("np-from-dlpack-copy") is None and versions.skip_marks("np-from-dlpack-copy") == []
    with pytest.raises(pytest.skip.Exception, match="a call of torch 9"):
        versions.skip_unless("closed")
