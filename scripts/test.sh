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
log=$(mktemp)
../shared/peer-tests/virshtest/run.sh target/debug/virtsh $(cat tests/virshtest-pass.txt) >"$log" 2>&1 || true
if grep -E '^FAIL' "$log"; then
    echo "virshtest: a case that passed before fails now"
    exit 1
fi
echo "virshtest: $(grep -cvE '^\s*$|^#' tests/virshtest-pass.txt) expected cases pass ($(tail -n1 "$log"))"
rm -f "$log"

echo "== cargo test"
cargo test --workspace
