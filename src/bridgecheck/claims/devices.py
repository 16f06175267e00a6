"""Claims about devices. Checks marked ``needs_cuda`` only run where CUDA is present."""

from __future__ import annotations

import numpy as np
import torch

from bridgecheck.claims.dtypes import bit_pattern_sample
from bridgecheck.claims.model import Claim, Finding
from bridgecheck.claims.probes import array_write_reaches, attempt, describe_exception

TOPIC = "devices"


def _default_is_gpu() -> Finding:
    made = {
        "torch.tensor(list)": torch.tensor([1.0]).device,
        "torch.zeros": torch.zeros(1).device,
        "torch.from_numpy": torch.from_numpy(np.zeros(1)).device,
        "torch.tensor(array)": torch.tensor(np.zeros(1)).device,
    }
    on_gpu = [name for name, dev in made.items() if dev.type != "cpu"]
    devices = ", ".join(f"{name} -> {dev}" for name, dev in made.items())
    return Finding.decide(
        bool(on_gpu) and len(on_gpu) == len(made),
        f"{devices}; default device {torch.get_default_device()}"
        f" (CUDA available: {torch.cuda.is_available()});"
        " the GPU takes an explicit device= or .to()",
    )


def _uppercase_cpu_name() -> Finding:
    t = torch.from_numpy(np.zeros(2))
    moved, exc = attempt(lambda: t.to("CPU"))
    lower, lower_exc = attempt(lambda: t.to("cpu"))
    contrast = f"t.to('cpu') -> {lower.device}" if lower_exc is None else describe_exception(lower_exc)
    if exc is not None:
        return Finding.decide(False, f"t.to('CPU') raises {describe_exception(exc)}; {contrast}")
    return Finding.decide(True, f"t.to('CPU') -> {moved.device}; {contrast}")


def _to_moves_between() -> Finding:
    a = np.array([1.5, -2.25, 3.0])
    on_gpu = torch.from_numpy(a).to("cuda")
    back = on_gpu.to("cpu")
    linked = array_write_reaches(a, on_gpu)
    ok = on_gpu.device.type == "cuda" and back.device.type == "cpu" and back.numpy().tobytes() == a.tobytes()
    return Finding.decide(
        ok,
        f"t = from_numpy(np.array([1.5, -2.25, 3.0])): t.to('cuda') -> {on_gpu.device},"
        f" then .to('cpu') -> {back.device}, values bit-equal: "
        f"{back.numpy().tobytes() == a.tobytes()}; the GPU copy still follows array writes: {linked}",
    )


def _gpu_roundtrip_changes_values() -> Finding:
    # The article's own value, then random bit patterns and the special ones (NaN payloads...).
    a = np.concatenate([np.array([1.123456789, 2.123456789, 3.123456789]), bit_pattern_sample("float64")])
    back = torch.from_numpy(a).cuda().cpu().numpy()
    same = back.tobytes() == a.tobytes()
    return Finding.decide(
        not same,
        f"from_numpy(a).cuda().cpu() on {torch.cuda.get_device_name()} bit-identical: {same};"
        f" a: [1.123456789, 2.123456789, 3.123456789] and {a.size - 3} float64 bit patterns"
        " (random over the whole range, signed zeros, subnormals, infinities, NaN payloads)",
    )


CLAIMS = [
    Claim(
        "devices.default-is-gpu",
        TOPIC,
        "Arrays live on the CPU while tensors are placed on the GPU by default.",
        _default_is_gpu,
    ),
    Claim(
        "devices.uppercase-cpu-name",
        TOPIC,
        "When no GPU is present, the upper-case device string 'CPU' is a valid fallback target for .to().",
        _uppercase_cpu_name,
    ),
    Claim(
        "devices.to-moves-between",
        TOPIC,
        "The .to() method moves a converted tensor from the CPU to the GPU and back with its values intact.",
        _to_moves_between,
        needs_cuda=True,
    ),
    Claim(
        "devices.gpu-roundtrip-changes-values",
        TOPIC,
        "Sending a float64 tensor to the GPU and back can change its values slightly"
        " (CPU/GPU precision differences).",
        _gpu_roundtrip_changes_values,
        needs_cuda=True,
    ),
]
