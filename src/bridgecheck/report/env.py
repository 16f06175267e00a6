"""The environment a report was produced in: what a reader needs to reproduce a result.

Every probe is defensive: a report must still be written when, say, ``/proc/cpuinfo`` is
absent (macOS) or torch cannot be imported (the run then fails, and the report says why).
"""

from __future__ import annotations

import platform
import sys
from typing import Any


def _cpu_name() -> str:
    # platform.processor() is empty on most Linux builds; /proc/cpuinfo has the marketing name.
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "processor\t: ")):
                    name = line.split(":", 1)[1].strip()
                    if name and not name.isdigit():
                        return name
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _torch_info() -> tuple[dict[str, Any], list[str]]:
    try:
        import torch
    except Exception as exc:  # noqa: BLE001 - recorded, the run itself reports it
        return {"version": None, "error": f"{type(exc).__name__}: {exc}"}, []
    info: dict[str, Any] = {
        "version": str(torch.__version__),  # keeps the local label: +cpu, +cu124, +rocm6.1
        "git_version": getattr(torch.version, "git_version", None),
        "cuda": getattr(torch.version, "cuda", None),
        "hip": getattr(torch.version, "hip", None),
        "debug": bool(getattr(torch.version, "debug", False)),
    }
    try:
        info["cpu_capability"] = torch.backends.cpu.get_cpu_capability()
    except Exception:  # noqa: BLE001 - older torch lacks it
        info["cpu_capability"] = None
    gpus: list[str] = []
    try:
        if torch.cuda.is_available():
            gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except Exception:  # noqa: BLE001 - a broken driver is no reason to lose the report
        pass
    return info, gpus


def _numpy_info() -> dict[str, Any]:
    try:
        import numpy
    except Exception as exc:  # noqa: BLE001 - recorded in the report, as for torch
        return {"version": None, "error": f"{type(exc).__name__}: {exc}"}
    return {"version": numpy.__version__}


def _hypothesis_info(seed: Any) -> dict[str, Any]:
    try:
        import hypothesis
        from hypothesis import settings
    except Exception:  # noqa: BLE001 - the report is written without Hypothesis' settings
        return {"version": None, "profile": None, "seed": None}
    current = settings.default
    assert current is not None, "Hypothesis always has a default settings object"
    return {
        "version": hypothesis.__version__,
        "profile": settings.get_current_profile_name(),
        # None: Hypothesis drew a fresh random seed per test (see derandomize).
        "seed": None if seed is None else str(seed),
        "derandomize": bool(current.derandomize),
        "max_examples": int(current.max_examples),
    }


def label(env: dict[str, Any]) -> str:
    """Short column title: ``torch 2.13.0+cpu / numpy 2.4.6 / py3.11 / Linux x86_64``."""
    py = env.get("python", {}).get("version", "?")
    short_py = ".".join(py.split(".")[:2])
    plat = env.get("platform", {})
    gpu = f" / {env['gpus'][0]}" if env.get("gpus") else ""
    return (
        f"torch {env.get('torch', {}).get('version')} / numpy {env.get('numpy', {}).get('version')}"
        f" / py{short_py} / {plat.get('system', '?')} {plat.get('machine', '?')}{gpu}"
    )


def collect(hypothesis_seed: Any = None) -> dict[str, Any]:
    """The ``environment`` object of a report (see docs/report-schema.md)."""
    torch_info, gpus = _torch_info()
    env = {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "torch": torch_info,
        "numpy": _numpy_info(),
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "platform": platform.platform(),
        },
        "cpu": _cpu_name(),
        "gpus": gpus,
        "hypothesis": _hypothesis_info(hypothesis_seed),
    }
    env["label"] = label(env)
    return env
