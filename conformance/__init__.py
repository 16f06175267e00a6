"""The conformance properties: one module per bridge function or family.

In a clone pytest collects this folder as ``conformance``; the distribution ships it as
``bridgecheck.conformance`` (``pytest --pyargs bridgecheck.conformance``). Before any property
is defined, load bridgecheck's Hypothesis profile unless the session chose one: a property
run under Hypothesis' defaults would fail on the 200 ms deadline.
"""

from bridgecheck.profiles import load_unless_chosen

load_unless_chosen()
