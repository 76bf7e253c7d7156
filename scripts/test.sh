#!/usr/bin/env bash
# Runs every test of virtsh on a fresh machine: installs what the tests need when it is missing
# (as root), then lints, replays libvirt's virshtest suite, and runs the Rust test suites (the
# golden suite among them also checks that the stored cases are what the installed virsh
# prints).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-env.sh

echo "== format and clippy"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings

echo "== build"
cargo build --quiet --bins

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
