#!/usr/bin/env bash
# Captures the golden cases from the real virsh (or another binary given as $1). Each case is
# one file, cases/NAME.case, whose first line is its command (`$ virsh -c test:///default
# WORDS`, WORDS in bash quoting); this runs it as `BIN ARGS...` with LANG=C in a fresh copy of
# tests/golden/data (what a case writes stays its own; the copy's path prints as `<cwd>`, as
# the tests' RunDir does) and writes the file again with what BIN printed (the format is
# described in tests/common/golden.rs), and hostname.txt, the capturing machine's name.
#   tests/golden/capture.sh                    # virsh from PATH, every case, into tests/golden
#   tests/golden/capture.sh BIN DIR            # capture BIN's output into DIR instead
#   tests/golden/capture.sh virsh '' NAME...   # only the cases named
# A new case: write its command line alone into cases/NAME.case, then capture NAME.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
bin=${1:-virsh}
dir=${2:-$here}
dir=${dir:-$here}
only=("${@:3}")
mkdir -p "$dir/cases"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The lines of FILE, each prefixed with MARK (an empty line is MARK alone), and a note when
# the last line has no newline.
emit() {
    local mark=$1 file=$2
    [ -s "$file" ] || return 0
    sed -e "s/^./$mark &/" -e "s/^\$/$mark/" "$file"
    if [ "$(tail -c1 "$file" | wc -l)" = 0 ]; then
        printf '\n\\ no newline at end\n'
    fi
}

count=0
for file in "$here"/cases/*.case; do
    name=$(basename "$file" .case)
    if ((${#only[@]})) && [[ " ${only[*]} " != *" $name "* ]]; then
        continue
    fi
    line=$(head -n1 "$file")
    words=${line#\$ virsh }
    [ "$words" != "$line" ] || { echo "capture: $file does not start with '\$ virsh '" >&2; exit 1; }
    eval "args=($words)"
    # virsh's job commands (save, managedsave, dump) hang for good now and then (their worker
    # may end the event loop before it starts): a run that takes over 3 s is run again.
    for try in $(seq 12); do
        run=$(mktemp -d)
        cp -a "$here/data/." "$run/"
        real=$(cd "$run" && pwd -P)
        set +e
        (cd "$run" && env -i LANG=C PATH=/usr/bin:/bin HOME=/nonexistent \
            timeout -k 2 3 "$bin" "${args[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null)
        rc=$?
        set -e
        rm -rf "$run"
        [ "$rc" = 124 ] || [ "$rc" = 137 ] || break
    done
    [ "$rc" != 124 ] && [ "$rc" != 137 ] || { echo "capture: $name hung $try times" >&2; exit 1; }
    for f in "$tmp/out" "$tmp/err"; do
        REAL=$real perl -pi -e 's/\Q$ENV{REAL}\E/<cwd>/g' "$f"
    done
    {
        printf '$ virsh %s\n? %s\n' "$words" "$rc"
        emit '>' "$tmp/out"
        emit '!' "$tmp/err"
    } >"$tmp/case"
    mv "$tmp/case" "$dir/cases/$name.case"
    count=$((count + 1))
done
cat /proc/sys/kernel/hostname >"$dir/hostname.txt"
echo "captured $count of $(ls "$here"/cases/*.case | wc -l) cases from $bin into $dir"
