#!/usr/bin/env bash
# GPU validation in one go, for a lent CUDA machine (issue 18; docs/gpu-runners.md).
#
#   tools/gpu-validate.sh [OUTDIR]        (OUTDIR defaults to $OUT, else ./gpu-run)
#
# Run from the repository root with the machine's own Python (the one that holds its CUDA
# build of torch; no network is needed: bridgecheck is installed from this tree without
# dependencies). Writes at most six files into OUTDIR, all named for what they hold:
#   env.txt                   nvidia-smi, Python, torch (+ CUDA), numpy, Hypothesis versions
#   gpu-<torch>-<numpy>.json  bridgecheck run --require-cuda -n 4 (the whole suite, ci profile)
#   gpu-thorough.json         the CUDA properties again at the thorough profile (1000 examples)
#   claims-gpu.md             bridgecheck claims --require-cuda --markdown
#   log.txt                   everything printed
#   status.txt                one line per step with its exit status
# Exit status: 0 when every step passed, else the first non-zero step status (2 = no CUDA:
# GPU mode refuses at start, which is what this script shows on a CPU-only machine).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-${OUT:-gpu-run}}
mkdir -p "$out" || { echo "gpu-validate: cannot create $out" >&2; exit 2; }
exec > >(tee -a "$out/log.txt") 2>&1
py=${PYTHON:-python3}
first_failure=0

step() {  # step NAME LIMIT_S COMMAND...: run with a time limit, record its status
    local name=$1 limit=$2; shift 2
    echo "== $name: $*"
    timeout "$limit" "$@"
    local rc=$?
    echo "$name $rc" >>"$out/status.txt"
    [ "$first_failure" -eq 0 ] && [ "$rc" -ne 0 ] && first_failure=$rc
    return "$rc"
}

{
    nvidia-smi || echo "nvidia-smi: not available"
    "$py" - <<'EOF'
import platform, numpy, torch, hypothesis
print("python", platform.python_version())
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0), "capability", torch.cuda.get_device_capability(0))
print("numpy", numpy.__version__, "hypothesis", hypothesis.__version__)
EOF
} >"$out/env.txt" 2>&1
cat "$out/env.txt"

if ! "$py" -c "import bridgecheck" 2>/dev/null; then
    step install 300 "$py" -m pip install --quiet --no-deps --no-build-isolation --no-index -e . \
        || exit "$first_failure"
fi
key=$("$py" -c "import numpy, torch; print(f'{torch.__version__.split(\"+\")[0]}-{numpy.__version__}')")

# GPU mode refuses at start without CUDA (exit 2): nothing after it would mean anything then.
step run 300 "$py" -m bridgecheck run --require-cuda -n 4 --profile ci -o "$out/gpu-$key.json"
[ "$first_failure" -eq 2 ] && exit 2
step thorough 240 "$py" -m bridgecheck run --require-cuda -n 4 --profile thorough --no-census \
    -o "$out/gpu-thorough.json" -m cuda
step claims 120 "$py" -m bridgecheck claims --require-cuda --markdown "$out/claims-gpu.md"
cat "$out/status.txt"
exit "$first_failure"
