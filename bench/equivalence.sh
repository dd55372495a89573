#!/usr/bin/env bash
# Do two versions of modelguard report the same on real code? Runs `check --no-cache --format
# json` and `fix --unsafe-fixes --diff --no-cache` with this checkout and with BASE (a commit,
# checked out in a temporary worktree and put first on PYTHONPATH), on the same folders, and
# compares the outputs byte for byte, the tool and registry versions aside.
#
#     bash bench/equivalence.sh 10c0a49 /work/corpus/*
#
# Prints one line per command (IDENTICAL or DIFFERENT, with the files kept for a diff) and exits
# 1 when one differs. Run it with the Python that has modelguard's dependencies installed
# (PYTHON, default python3).
set -euo pipefail
base=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
out=$(mktemp -d)
git -C "$here" worktree add -q --detach "$out/base" "$base"
trap 'git -C "$here" worktree remove --force "$out/base"' EXIT
versions='s/"version": "[^"]*"/"version": "X"/; s/with registry [0-9.]*/with registry X/'
status=0
run() {  # name, then the modelguard arguments
  local name=$1; shift
  (cd "$out" && PYTHONPATH="$out/base" "$py" -m modelguard "$@" 2>&1 | sed "$versions" > "$name.base" || true)
  (cd "$out" && PYTHONPATH="$here" "$py" -m modelguard "$@" 2>&1 | sed "$versions" > "$name.now" || true)
  if cmp -s "$out/$name.base" "$out/$name.now"; then
    echo "$name: IDENTICAL"
  else
    echo "$name: DIFFERENT (diff $out/$name.base $out/$name.now)"; status=1
  fi
}
run check check --no-cache --format json --exit-zero "$@"
run fix fix --unsafe-fixes --diff --no-cache "$@"
exit $status
