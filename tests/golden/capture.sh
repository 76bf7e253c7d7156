#!/usr/bin/env bash
# Captures the golden files from the real virsh (or another binary given as $1):
# for every case of cases.txt it writes cases/NAME.args (the argv after the program name,
# NUL-separated), NAME.out, NAME.err and NAME.rc. Run it from anywhere:
#   tests/golden/capture.sh            # virsh from PATH
#   tests/golden/capture.sh BIN DIR    # capture BIN's output into DIR instead
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
bin=${1:-virsh}
out=${2:-$here/cases}
mkdir -p "$out"
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    name=${line%%:*}
    words=${line#*: }
    eval "args=($words)"
    if [[ $name == noconn-* ]]; then
        argv=("${args[@]}")
    else
        argv=(-c test:///default "${args[@]}")
    fi
    printf '%s\0' "${argv[@]}" >"$out/$name.args"
    set +e
    (cd "$here/data" && env -i LANG=C PATH=/usr/bin:/bin HOME=/nonexistent "$bin" "${argv[@]}" \
        >"$out/$name.out" 2>"$out/$name.err" </dev/null)
    echo $? >"$out/$name.rc"
    set -e
done <"$here/cases.txt"
echo "captured $(ls "$out"/*.rc | wc -l) cases from $bin into $out"
