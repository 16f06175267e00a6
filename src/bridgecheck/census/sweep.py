"""Run the census so that crashes and warn-once state cannot change its answer.

Three processes, each for a reason:

1. the caller (pytest's controller, ``bridgecheck run``) starts
2. a *fresh* Python (``python -m bridgecheck.census.sweep``): its torch has fired no
   warning, changed no default dtype and initialised no CUDA, whatever the caller did. It
   imports torch once, turns on ``torch.set_warn_always(True)`` and then forks
3. a *worker* that runs cells in order, writing ``S <index>`` to a pipe before each cell and
   ``R <json>`` after it. When the worker dies (``torch.from_dlpack`` of a negative-stride
   array aborts on torch 2.13) or hangs past ``cell_timeout``, the server records the cell
   it announced as ``crash:SIGABRT`` (``crash:TIMEOUT``) and forks a new worker at the next
   cell. A fork costs milliseconds with torch already imported; a new interpreter would cost
   seconds per crash.

Warn-once: torch emits some warnings once per process (TORCH_WARN_ONCE: the read-only array
warning of ``from_numpy``/``as_tensor``/``asarray``, the non-writable buffer warning of
``frombuffer``). Recorded as-is, the first read-only cell would warn and every later one not,
so the census would depend on cell order and on which worker a crash restarted. The server
enables ``torch.set_warn_always(True)`` (and each cell records with the Python filter
"always"), so a cell's ``warnings`` answer "does this call warn?", the same in any order or
process. Whether a warning is once-per-process is left to the properties; the census
documents this choice as ``warn_mode: "warn-always"``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import select as selectmod
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARN_MODE = "warn-always"


class CensusError(RuntimeError):
    """The census could not run at all (not: a cell crashed - that is a result)."""


# --- caller side ---------------------------------------------------------------------------

class Job:
    """A census running in its own interpreter; ``result()`` waits for it.

    Starting is separate from waiting so that pytest can run the census *while* the suite
    runs (the plugin starts it at session start): its seconds then cost nothing extra.
    """

    def __init__(self, cmd: list[str], env: dict, timeout: float) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="bridgecheck-census-")
        self.out = Path(self._tmp.name, "census.json")
        # A file cannot fill up and block; it lives as long as the child, closed when it is read.
        self._err = open(Path(self._tmp.name, "stderr.txt"), "w+b")  # noqa: SIM115 - see above
        self.timeout = timeout
        self.started = time.time()
        self.proc = subprocess.Popen([*cmd, "--out", str(self.out)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self._err)

    def result(self) -> dict:
        try:
            left = max(1.0, self.timeout - (time.time() - self.started))
            try:
                status = self.proc.wait(timeout=left)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise CensusError(f"census took longer than {self.timeout:.0f} s") from None
            if status != 0 or not self.out.exists():
                self._err.seek(0)
                lines = self._err.read().decode(errors="replace").strip().splitlines()
                raise CensusError(f"census process failed (exit {status}): {lines[-1] if lines else 'no output'}")
            return json.loads(self.out.read_text(encoding="utf-8"))
        finally:
            self._err.close()
            self._tmp.cleanup()


def start(*, select: str | None = None, inject_crash: str | None = None, reverse: bool = False,
          cell_timeout: float = 30.0, timeout: float = 600.0) -> Job:
    """Start the census in a fresh interpreter (see ``run`` for the arguments)."""
    import bridgecheck

    env = dict(os.environ)
    # The child must import this very bridgecheck (a worktree's src/ may shadow an install).
    src = str(Path(bridgecheck.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "bridgecheck.census.sweep", "--cell-timeout", str(cell_timeout)]
    if select:
        cmd += ["--select", select]
    if inject_crash:
        cmd += ["--inject-crash", inject_crash]
    if reverse:
        cmd.append("--reverse")
    return Job(cmd, env, timeout)


def run(**options) -> dict:
    """Run the census in a fresh interpreter; return the report's ``census`` object.

    ``select`` keeps cells whose id matches the glob; ``inject_crash`` makes the worker abort
    on matching cells (a test hook for crash survival); ``reverse`` runs cells in reverse
    order (a test hook for order independence; results come back in canonical order).
    """
    return start(**options).result()


# --- server side (the fresh interpreter) ---------------------------------------------------

def _signal_name(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return signal.Signals(number).name
        except ValueError:
            return f"signal {number}"
    return f"exit {os.WEXITSTATUS(status)}"


def _crash_message(err) -> str:
    """The line of the dying worker's stderr that says why (``what(): ...`` for C++)."""
    from bridgecheck.census.cells import clean_message

    err.seek(0)
    lines = [ln.strip() for ln in err.read().decode(errors="replace").splitlines() if ln.strip()]
    why = next((ln for ln in lines if "what():" in ln), lines[0] if lines else "")
    return clean_message(why.split("what():", 1)[-1])


def _worker(cells, order, start: int, out_fd: int, err_fd: int, inject: str | None,
            hang: str | None = None) -> None:
    """Run cells ``order[start:]``; never returns."""
    from bridgecheck.census.cells import observe

    try:
        for pos in range(start, len(order)):
            cell = cells[order[pos]]
            # Only the crashing cell's stderr should be left when the parent reads it.
            os.ftruncate(err_fd, 0)
            os.lseek(err_fd, 0, os.SEEK_SET)
            os.write(out_fd, f"S {pos}\n".encode())
            if inject and fnmatch.fnmatchcase(cell.id, inject):
                os.abort()
            if hang and fnmatch.fnmatchcase(cell.id, hang):
                time.sleep(3600)
            result = observe(cell)
            os.write(out_fd, b"R " + json.dumps(result).encode() + b"\n")
        os.write(out_fd, b"D\n")
    finally:
        os._exit(0)


def _events(fd: int, pid: int, cell_timeout: float):
    """Lines from the worker; ``("timeout", None)`` after ``cell_timeout`` s of silence."""
    buf = b""
    while True:
        ready, _, _ = selectmod.select([fd], [], [], cell_timeout)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            yield "timeout", None
            return
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line[:1].decode(), line[2:]


def sweep(cells, *, inject: str | None = None, hang: str | None = None, reverse: bool = False,
          cell_timeout: float = 30.0):
    """Observe every cell, surviving crashes; returns ``(results in cells order, restarts)``.

    ``inject``/``hang`` (globs over cell ids) make the worker abort/hang on those cells: test
    hooks for crash and timeout survival. Meant for the fresh census interpreter: it turns on
    ``torch.set_warn_always`` and forks the calling process.
    """
    import torch

    from bridgecheck import build
    from bridgecheck.census.cells import blank, observe

    torch.set_warn_always(True)  # see the module docstring: warn-once must not leak order
    build._memmap_dir()  # made here, so it is removed at our exit (workers skip atexit)
    order = list(range(len(cells)))[:: -1 if reverse else 1]
    results: dict[int, dict] = {}
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: no isolation, best effort
        return [observe(c) for c in cells], 0
    restarts = 0
    pos = 0
    while pos < len(order):
        read_fd, write_fd = os.pipe()
        err = tempfile.TemporaryFile()  # noqa: SIM115 - shared with the forked child, closed after it
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            os.dup2(err.fileno(), 2)
            _worker(cells, order, pos, write_fd, 2, inject, hang)
        os.close(write_fd)
        current, done, timed_out, resume = None, False, False, pos
        for kind, payload in _events(read_fd, pid, cell_timeout):
            if kind == "S":
                current = int(payload)
            elif kind == "R":
                assert current is not None, "the worker reports a cell's result after its start"
                results[order[current]] = json.loads(payload)
                resume, current = current + 1, None
            elif kind == "D":
                done = True
            elif kind == "timeout":
                timed_out = True
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
        if done:
            err.close()
            break
        restarts += 1
        if current is None:
            # Died between cells (say, freeing the last result): nothing to blame, go on -
            # unless it did not get through a single cell, which would loop for ever.
            err.close()
            if resume == pos:
                raise CensusError(f"census worker died before its first cell ({_signal_name(status)})")
            pos = resume
            continue
        record = blank(cells[order[current]])
        record["exception"] = "crash:TIMEOUT" if timed_out else f"crash:{_signal_name(status)}"
        record["message"] = _crash_message(err)
        err.close()
        results[order[current]] = record
        pos = current + 1
    return [results[i] for i in range(len(cells))], restarts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bridgecheck.census.sweep")
    parser.add_argument("--out", required=True, help="write the census JSON object here")
    parser.add_argument("--select", default=None, help="only cells whose id matches this glob")
    parser.add_argument("--inject-crash", default=None, help="(testing) abort on cells matching this glob")
    parser.add_argument("--reverse", action="store_true", help="(testing) run cells in reverse order")
    parser.add_argument("--cell-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    # This process asks torch.cuda.is_available() (for the `cuda` cells) and then forks. The
    # default check initialises the CUDA driver, after which a forked child cannot use CUDA;
    # the NVML-based check does not, so CUDA is first initialised inside a worker.
    os.environ["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"

    from bridgecheck.census.cells import all_cells, select
    from bridgecheck.outputs import write_atomic

    started = time.time()
    cells = select(all_cells(), args.select)
    results, restarts = sweep(cells, inject=args.inject_crash, reverse=args.reverse,
                              cell_timeout=args.cell_timeout)
    census = {
        "warn_mode": WARN_MODE,
        "select": args.select,
        "duration_s": round(time.time() - started, 2),
        "restarts": restarts,
        "cells": results,
    }
    write_atomic(args.out, json.dumps(census, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
