#!/usr/bin/env bash
# Captures the golden cases from the real virsh (or another binary given as $1): for every
# case `NAME: WORDS` of cases.txt it runs `BIN -c test:///default WORDS` (no -c for cases named
# noconn-*) from tests/golden/data with LANG=C and writes cases/NAME.case (the format is
# described in tests/common/golden.rs), and hostname.txt, the capturing machine's name.
#   tests/golden/capture.sh                    # virsh from PATH, into tests/golden
#   tests/golden/capture.sh BIN DIR            # capture BIN's output into DIR instead
#   tests/golden/capture.sh virsh '' NAME...   # only the cases named
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

while IFS= read -r line; do
    case $line in '' | '#'*) continue ;; esac
    name=${line%%:*}
    words=${line#*: }
    if ((${#only[@]})) && [[ " ${only[*]} " != *" $name "* ]]; then
        continue
    fi
    eval "args=($words)"
    if [[ $name == noconn-* ]]; then
        connect=()
    else
        connect=(-c test:///default)
    fi
    set +e
    (cd "$here/data" && env -i LANG=C PATH=/usr/bin:/bin HOME=/nonexistent "$bin" "${connect[@]}" \
        "${args[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null)
    rc=$?
    set -e
    {
        printf '$ virsh %s%s\n? %s\n' "${connect[*]:+${connect[*]} }" "$words" "$rc"
        emit '>' "$tmp/out"
        emit '!' "$tmp/err"
    } >"$dir/cases/$name.case"
done <"$here/cases.txt"
cat /proc/sys/kernel/hostname >"$dir/hostname.txt"
echo "captured ${#only[@]} of $(ls "$dir"/cases/*.case | wc -l) cases from $bin into $dir"
