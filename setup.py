"""Packages of the distribution: everything under src/, and the properties.

``conformance/`` stays at the repository's top level (pytest collects it there) and ships as
``bridgecheck.conformance``, so an installed wheel runs ``bridgecheck run`` and
``pytest --pyargs bridgecheck.conformance`` anywhere. Metadata is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "bridgecheck.conformance"],
    package_dir={"": "src", "bridgecheck.conformance": "conformance"},
)
