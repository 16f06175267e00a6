#!/usr/bin/env bash
# The upgrade gate of action.yml (the composite action at the repository root): a base report
# and the pull request's report, `bridgecheck compare` between them, the comparison in the job
# summary, and the exit status of compare (1: a regression the allow file does not excuse).
#
# Inputs, as environment variables (action.yml sets them from its inputs):
#   GATE_REQUIREMENTS   file pinning torch and numpy (a lock file pip can install with -r)
#   GATE_REPORT         the PR's report, if already made (else: made from GATE_REQUIREMENTS)
#   GATE_BASE_REPORT    the base report, if already there (e.g. downloaded)
#   GATE_BASE_ARTIFACT  else: download this artifact from the latest successful run of
#                       GATE_BASE_WORKFLOW on GATE_BASE_BRANCH (needs GH_TOKEN and gh)
#   GATE_BASE_REF       else: make the base report from GATE_REQUIREMENTS as of this git ref
#   GATE_COMPARE        "false": only make the PR's report (a default-branch run)
#   GATE_ALLOW, GATE_PROFILE, GATE_WORKERS, GATE_PYTEST_ARGS, GATE_PYTHON, GATE_BRIDGECHECK
#   GATE_WORKDIR        where venvs and reports go (default: one folder per step under $RUNNER_TEMP)
# Outputs (when GITHUB_OUTPUT is set): report, base-report, status.
set -euo pipefail

workdir="${GATE_WORKDIR:-${RUNNER_TEMP:-/tmp}/bridgecheck-gate-${GITHUB_ACTION:-local}}"
mkdir -p "$workdir"
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
output="${GITHUB_OUTPUT:-/dev/null}"
python="${GATE_PYTHON:-python3}"
bridgecheck="bridgecheck"

fail() { echo "bridgecheck gate: $*" >&2; echo "bridgecheck gate: $*" >> "$summary"; exit 2; }

# report_for REQUIREMENTS REPORT: a fresh venv with those pins and bridgecheck, then the suite.
report_for() {
    local venv
    venv="$workdir/venv-$(basename "$2" .json)"
    [ -f "$1" ] || fail "no requirements file $1"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet -r "$1"
    "$venv/bin/python" -m pip install --quiet "${GATE_BRIDGECHECK:?GATE_BRIDGECHECK: what to pip install as bridgecheck}"
    # The suite's own exit status is not the gate's verdict: compare judges the differences.
    # shellcheck disable=SC2086 # GATE_PYTEST_ARGS is a list of words
    (cd "$workdir" && "$venv/bin/bridgecheck" run -n "${GATE_WORKERS:-auto}" --profile "${GATE_PROFILE:-ci}" \
        -o "$2" ${GATE_PYTEST_ARGS:-}) || true
    [ -f "$2" ] || fail "no report was written for $1 (see the log above)"
    bridgecheck="$venv/bin/bridgecheck"
}

report="${GATE_REPORT:-}"
if [ -z "$report" ]; then
    report="$workdir/pr.json"
    report_for "${GATE_REQUIREMENTS:?GATE_REQUIREMENTS: the file that pins torch and numpy}" "$report"
fi
echo "report=$report" >> "$output"
if [ "${GATE_COMPARE:-true}" = "false" ]; then
    exit 0
fi

base="${GATE_BASE_REPORT:-}"
if [ -z "$base" ] && [ -n "${GATE_BASE_ARTIFACT:-}" ]; then
    run_id=$(gh run list --workflow "${GATE_BASE_WORKFLOW:?}" --branch "${GATE_BASE_BRANCH:?}" --status success \
        --limit 1 --json databaseId --jq '.[0].databaseId')
    [ -n "$run_id" ] || fail "no successful run of ${GATE_BASE_WORKFLOW} on ${GATE_BASE_BRANCH} to take ${GATE_BASE_ARTIFACT} from"
    gh run download "$run_id" --name "$GATE_BASE_ARTIFACT" --dir "$workdir/base-artifact"
    base=$(find "$workdir/base-artifact" -name '*.json' | head -n 1)
    [ -n "$base" ] || fail "artifact ${GATE_BASE_ARTIFACT} of run $run_id holds no .json report"
elif [ -z "$base" ]; then
    ref="${GATE_BASE_REF:?GATE_BASE_REF: the git ref whose requirements make the base report}"
    git fetch --quiet --depth=1 origin "$ref" 2>/dev/null || true
    git show "$ref:${GATE_REQUIREMENTS}" > "$workdir/base-requirements.txt" \
        || fail "cannot read ${GATE_REQUIREMENTS} at $ref"
    base="$workdir/base.json"
    report_for "$workdir/base-requirements.txt" "$base"
fi
echo "base-report=$base" >> "$output"

allow=()
if [ -n "${GATE_ALLOW:-}" ]; then allow=(--allow "$GATE_ALLOW"); fi
status=0
"$bridgecheck" compare "$base" "$report" "${allow[@]}" > "$workdir/compare.txt" 2>&1 || status=$?
cat "$workdir/compare.txt"
case "$status" in
    0) verdict="no regression (or every regression allowed)" ;;
    1) verdict="REGRESSION: not excused by the allow file" ;;
    *) verdict="compare could not run (exit $status)" ;;
esac
{
    echo "## bridgecheck upgrade gate: $verdict"
    echo
    echo '```'
    cat "$workdir/compare.txt"
    echo '```'
} >> "$summary"
echo "status=$status" >> "$output"
exit "$status"
