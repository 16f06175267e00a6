"""``bridgecheck claims``: the ledger of common tutorial claims, checked on the installed versions."""

from __future__ import annotations

import argparse
from pathlib import Path

from bridgecheck import outputs
from bridgecheck.claims.topics import TOPICS
from bridgecheck.environment import require_bridge


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--markdown", metavar="PATH", type=Path, help="also write the ledger as Markdown to PATH"
    )
    parser.add_argument(
        "--topic",
        action="append",
        choices=list(TOPICS),
        help="only claims of this topic (repeatable; default: all)",
    )
    parser.add_argument(
        "--require-cuda",
        action="store_true",
        help="GPU mode: refuse to start without CUDA, and fail if a CUDA claim goes unchecked",
    )


def main(args: argparse.Namespace) -> int:
    """Print the ledger; exit 1 when a check broke (verdict ``error``), else 0.

    Claims that do not hold are findings, not failures: the exit status only says whether
    every check could reach a verdict. In GPU mode (``--require-cuda``) a CUDA claim left
    ``not checked`` is a failure too; without CUDA that mode refuses to start (exit 2).
    """
    if args.markdown is not None:
        outputs.check_file(args.markdown, "--markdown")
    require_bridge()
    from bridgecheck.commands.run import gpu_mode

    strict = gpu_mode(args.require_cuda)
    # Imported only now: these import torch, which require_bridge has just vouched for.
    import numpy
    import torch

    from bridgecheck.claims import registry, render, runner
    from bridgecheck.claims.model import ERROR, NO_CUDA

    entries = runner.run(registry.select(args.topic))
    print(render.table(entries))
    if args.markdown is not None:
        text = render.markdown(entries, torch_version=torch.__version__, numpy_version=numpy.__version__)
        outputs.save(args.markdown, text, "--markdown")
        print(f"wrote {args.markdown}")
    failing = (ERROR, NO_CUDA) if strict else (ERROR,)
    return 1 if any(e.finding.verdict in failing for e in entries) else 0
