"""bridgecheck: a property-based conformance suite for the NumPy <-> PyTorch bridge.

The library half lives here: Hypothesis strategies (``bridgecheck.strategies``), the contract
and deviation machinery (``contract``, ``deviations``), memory and equality checks (``memory``,
``equality``), crash isolation (``isolation``) and the command line (``cli``). The properties
themselves live in the repository's ``conformance/`` folder, which the distribution ships as
``bridgecheck.conformance``.
"""

__version__ = "0.1.0"
