"""The matrix page renders in a real browser (headless Chromium), when one is installed.

Looks at what the browser shows, not at the markup: the page must show the outcome colours
(pixels of a screenshot), and its rendered text (``innerText``, which leaves out hidden rows
and hover titles) must hold the columns in version order, the skip reasons, the texts of the
known deviations and the bridgeless column's label, and lack the rows that do not differ
(the "only rows that differ" switch is on by default). Skipped with a reason where Chromium
is absent; Debian's ``chromium`` package provides it (``apt-get install chromium``; .ci/run
installs it where apt-get can).
"""

from __future__ import annotations

import html
import shutil
import subprocess

import pytest

from bridgecheck import cli
from tests.test_matrix import _reports, bridgeless_reports

# Debian's chromium, Ubuntu's chromium-browser, or Google Chrome (GitHub's runner images).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1400,900"]


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_matrix_page_renders_in_chromium(tmp_path):
    old, new = _reports(tmp_path)
    page = tmp_path / "matrix.html"
    assert cli.main(["matrix", old, new, "-o", str(page)]) == 0
    shot = tmp_path / "matrix.png"
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists(), f"no screenshot: exit {proc.returncode}\n{proc.stderr[-1500:]}"
    pixels = _png_pixels(shot.read_bytes())
    colours = {p for p in pixels if len(set(p)) > 1}  # anything that is not grey/white/black
    assert len(colours) >= 3, "the page rendered without outcome colours"


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_what_the_browser_shows_of_the_matrix_page(tmp_path):
    page = tmp_path / "matrix.html"
    assert cli.main(["matrix", *bridgeless_reports(tmp_path), "-o", str(page)]) == 0
    # A copy with one line of script that prints what is rendered: the page itself has none.
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace(
        "</body>", '<pre id="rendered"></pre><script>'
        'document.getElementById("rendered").textContent = document.body.innerText;</script></body>'))
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    rendered = html.unescape(proc.stdout.split('<pre id="rendered">', 1)[-1].split("</pre>", 1)[0])
    assert "known deviations seen" in rendered.lower(), f"no rendered text: exit {proc.returncode}\n{proc.stderr[-1500:]}"
    columns = [rendered.index(f"torch {v} / numpy") for v in ("2.2.2", "2.13.0", "2.14.0")]
    assert columns == sorted(columns), "columns are not in version order"
    assert "no bridge: bridge unavailable: torch 2.2.2 cannot exchange data" in rendered
    assert "CUDA absent: torch.cuda.is_available() is False" in rendered  # a skip reason, not a hover title
    assert "NumPy's ulonglong ('Q') is uint64" in rendered  # the deviation's text
    assert "test_known" in rendered  # a row that differs
    assert "test_same" not in rendered  # hidden: "only rows that differ" is on by default


def _png_pixels(data: bytes) -> list[tuple[int, int, int]]:
    """RGB pixels of an 8-bit RGB/RGBA PNG (what Chromium writes), sampled, stdlib only."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour_type = header[:4]
    assert depth == 8 and colour_type in (2, 6), header
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for x in range(stride):
            a = cur[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                cur[x] = (cur[x] + a) & 0xFF
            elif kind == 2:
                cur[x] = (cur[x] + b) & 0xFF
            elif kind == 3:
                cur[x] = (cur[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[x] = (cur[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(cur))
        prev = cur
    return [tuple(row[x : x + 3]) for row in rows[::7] for x in range(0, stride, channels * 7)]
