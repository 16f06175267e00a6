"""The claims ledger: common tutorial claims about the bridge, each checked on the installed versions.

Tutorials teach newcomers rules about sharing, copying, dtypes, devices and gradients; some
are wrong or true only under conditions. Each ``Claim`` paraphrases one such rule and carries
a check that *observes* the installed torch and numpy and derives a ``Finding`` (verdict plus
one line of evidence) from what it saw — never a hard-coded answer.

This module stays free of torch/numpy imports (``topics`` and ``model`` too), so the command
line can list topics and report a missing bridge as one line. ``registry`` and ``runner``
import the bridge.
"""

from bridgecheck.claims.model import VERDICTS, Claim, Finding
from bridgecheck.claims.topics import TOPICS

__all__ = ["VERDICTS", "Claim", "Finding", "TOPICS"]
