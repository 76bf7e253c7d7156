#!/usr/bin/env bash
# Runs every test of virtsh on a fresh machine: installs what the tests need when it is missing
# (as root), then lints, checks the golden files against the installed virsh, replays libvirt's
# virshtest suite, and runs the Rust test suites.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-env.sh

echo "== clippy"
cargo clippy --all-targets --quiet -- -D warnings

echo "== build"
cargo build --quiet --bins

echo "== golden files still match the installed virsh"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
tests/golden/capture.sh virsh "$fresh" >/dev/null
stale=0
for f in tests/golden/cases/*; do
    name=$(basename "$f")
    # The test driver reports the wall clock as CPU time; the host name is the machine's.
    norm=(-e 's/^CPU time:.*/CPU time: <t>/' -e 's/^(Time: .*/(Time: <t>)/')
    if ! diff -q <(sed "${norm[@]}" -e "s/^$(cat tests/golden/hostname.txt)\$/<host>/" "$f") \
                 <(sed "${norm[@]}" -e "s/^$(cat /proc/sys/kernel/hostname)\$/<host>/" "$fresh/$name") >/dev/null; then
        echo "stale golden file: $f (recapture with tests/golden/capture.sh)"
        stale=1
    fi
done
[ "$stale" = 0 ] || exit 1
echo "golden files: $(ls tests/golden/cases/*.rc | wc -l) cases, all as virsh prints them"

echo "== virshtest replay (cases that must pass: tests/virshtest-pass.txt)"
# libvirt's virsh test suite, replayed by the runner that sits beside this repository.
virshtest=${VIRSHTEST_RUN:-../shared/peer-tests/virshtest/run.sh}
bin="${CARGO_TARGET_DIR:-target}/debug/virtsh"
expected=$(grep -cvE '^\s*$|^#' tests/virshtest-pass.txt)
if [ -x "$virshtest" ]; then
    log=$(mktemp)
    "$virshtest" "$bin" $(grep -vE '^\s*$|^#' tests/virshtest-pass.txt) >"$log" 2>&1 || true
    summary=$(tail -n1 "$log")
    if grep -E '^FAIL' "$log" || [ "$summary" != "virshtest: $expected passed, 0 failed" ]; then
        cat "$log"
        echo "virshtest: expected $expected passes, got: $summary"
        exit 1
    fi
    echo "virshtest: $expected expected cases pass"
    rm -f "$log"
else
    echo "virshtest: NOT RUN: no runner at $virshtest (set VIRSHTEST_RUN to its run.sh)" >&2
fi

echo "== cargo test"
cargo test --workspace
