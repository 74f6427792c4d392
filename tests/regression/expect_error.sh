#!/usr/bin/env bash
# expect_error.sh NP STATUS PATTERN... -- COMMAND...
#
# Runs COMMAND on NP ranks (mpirun --oversubscribe) and checks the error
# contract: every rank exits with STATUS (or any non-zero status if STATUS is
# "nonzero"), the combined stderr holds exactly one "sanxiang: error:" line,
# and that line contains every PATTERN (fixed strings).
set -uo pipefail
np=$1; want=$2; shift 2
patterns=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do patterns+=("$1"); shift; done
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each rank records its own exit status; the wrapper exits 0 so mpirun does not
# kill the other ranks before they record theirs.
mpirun --oversubscribe -np "$np" sh -c '"$@"; echo $? > "'"$work"'/status.${OMPI_COMM_WORLD_RANK:-0}"; exit 0' sh "$@" \
  >"$work/stdout" 2>"$work/stderr"
fail=0
for ((r = 0; r < np; r++)); do
  s=$(cat "$work/status.$r" 2>/dev/null || echo missing)
  if [ "$want" = nonzero ]; then
    if [ "$s" = 0 ] || [ "$s" = missing ]; then echo "rank $r exited with status $s, expected non-zero"; fail=1; fi
  elif [ "$s" != "$want" ]; then
    echo "rank $r exited with status $s, expected $want"; fail=1
  fi
done
n=$(grep -c "sanxiang: error:" "$work/stderr")
if [ "$n" -ne 1 ]; then echo "expected exactly one 'sanxiang: error:' line, got $n"; fail=1; fi
line=$(grep "sanxiang: error:" "$work/stderr" | head -1)
for p in "${patterns[@]}"; do
  case "$line" in *"$p"*) ;; *) echo "error line lacks '$p'"; fail=1 ;; esac
done
echo "--- stderr:"; cat "$work/stderr"
exit $fail
