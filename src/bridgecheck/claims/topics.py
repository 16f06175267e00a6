"""Topic names of the ledger, in display order (torch-free: the CLI offers them as choices)."""

from __future__ import annotations

#: topic -> one-line description (used as section headings in the Markdown ledger).
TOPICS: dict[str, str] = {
    "sharing": "memory sharing and copying between arrays and tensors",
    "dtypes": "dtype mapping, casts and bit patterns",
    "layout": "contiguity and strides",
    "scalars": "0-d arrays and single values",
    "autograd": "gradients, detach, .data and no_grad",
    "devices": "default device and GPU transfers",
    "performance": "relative cost of conversions (measured, never a timed test)",
}
