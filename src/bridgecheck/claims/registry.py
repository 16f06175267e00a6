"""All claims, gathered from the topic modules, in topic order."""

from __future__ import annotations

import importlib

from bridgecheck.claims.model import Claim
from bridgecheck.claims.topics import TOPICS


def _load() -> tuple[Claim, ...]:
    claims: list[Claim] = []
    for topic in TOPICS:
        module = importlib.import_module(f"bridgecheck.claims.{topic}")
        for claim in module.CLAIMS:
            # A claim filed under the wrong topic would vanish from a --topic listing.
            if claim.topic != topic or not claim.id.startswith(f"{topic}."):
                raise ValueError(
                    f"claim {claim.id!r} (topic {claim.topic!r}) is registered in topic {topic!r}"
                )
            claims.append(claim)
    ids = [c.id for c in claims]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate claim ids: {', '.join(duplicates)}")
    return tuple(claims)


CLAIMS: tuple[Claim, ...] = _load()


def select(topics: list[str] | None = None) -> list[Claim]:
    """Claims of the given topics (all when ``topics`` is empty or None), in ledger order."""
    if not topics:
        return list(CLAIMS)
    unknown = sorted(set(topics) - set(TOPICS))
    if unknown:
        raise KeyError(f"unknown topic(s): {', '.join(unknown)}")
    return [c for c in CLAIMS if c.topic in topics]


def by_id(claim_id: str) -> Claim:
    for claim in CLAIMS:
        if claim.id == claim_id:
            return claim
    raise KeyError(claim_id)
