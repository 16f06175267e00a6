"""Files bridgecheck writes: checked before any work starts, then written atomically.

Every writer (the JSON report, the matrix page, ``--markdown``, ``--json``, ``--logs``) goes
through ``write_atomic``: the text goes to a temporary file in the destination's own folder,
which is then renamed over the destination. A reader, a crash or an interrupt mid-write never
sees half a file, the previous file stays whole until the rename, and no temporary file is left
behind when writing fails.

``check_file`` and ``check_folder`` are the "output paths writable" rule of the command line:
they raise a one-line ``UsageProblem`` naming what is wrong (a folder where a file is wanted, a
file where a folder is wanted, a folder that cannot be written) before a command does any work.
Missing folders on the way are fine: they are created when the output is written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from bridgecheck.errors import UsageProblem


def _existing_ancestor(path: Path, option: str) -> Path:
    """The nearest existing folder above ``path``; a file on the way is a usage problem."""
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageProblem(f"{option} {path}: {parent} is a file, not a folder; choose another path")
            return parent
    return Path(path.anchor or ".")  # pragma: no cover - the root always exists


def _probe(folder: Path, path: Path, option: str) -> None:
    """Create and remove a temporary file in ``folder``: the only honest test of writability
    (permission bits say nothing to root, or on a read-only mount)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".bridgecheck-probe-", suffix=".tmp")
    except OSError as exc:
        raise UsageProblem(f"{option} {path}: cannot write in {folder} ({exc.strerror or exc}); "
                           "choose a writable folder") from None
    os.close(fd)
    os.unlink(name)


def check_file(path: str | Path, option: str) -> Path:
    """``path`` can be written as a file: raise ``UsageProblem`` otherwise (one line)."""
    path = Path(path)
    if path.is_dir():
        raise UsageProblem(f"{option} {path}: is a folder; give the path of a file (in it, or elsewhere)")
    if path.name in ("", ".", ".."):
        raise UsageProblem(f"{option} {path}: not a file name; give a file name")
    folder = _existing_ancestor(path, option)
    _probe(folder, path, option)
    return path


def check_folder(path: str | Path, option: str) -> Path:
    """``path`` is, or can be created as, a writable folder."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageProblem(f"{option} {path}: is a file, not a folder; give a folder")
    folder = path if path.is_dir() else _existing_ancestor(path, option)
    _probe(folder, path, option)
    return path


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Missing folders are created. On any failure (including KeyboardInterrupt) the temporary
    file is removed and ``path`` is as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():  # keep the mode of the file we replace; mkstemp makes 0600
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save(path: str | Path, text: str, option: str) -> None:
    """``write_atomic`` for a command's output: a failure is one line (``UsageProblem``)."""
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise UsageProblem(f"{option} {path}: cannot write ({exc.strerror or exc})") from None
