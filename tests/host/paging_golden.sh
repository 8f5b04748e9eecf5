#!/usr/bin/env bash
# paging_golden.sh: compare tools/paging-sim with OSTEP's paging-policy.py.
#
#   tests/host/paging_golden.sh check [SIM]     every golden file against SIM
#   PAGING_PY=/path/to/paging-policy.py \
#       tests/host/paging_golden.sh regen       rewrite the golden files
#
# SIM defaults to build/tools/paging-sim.  paging-policy.py is not part of
# keel: take it from OSTEP's ostep-homework repository
# (vm-beyondphys-policy/paging-policy.py; tests/golden/paging/README.md
# names the commit) and point PAGING_PY at it.  A golden file's name is its
# flags, joined by '_', each a flag letter with its value attached:
# c_pLRU_C3_a1,2,3.out is the stdout of `paging-policy.py -c -pLRU -C3
# -a1,2,3`; NAME.args, when present, holds the arguments instead, one a
# line; NAME.status the exit status if not 0.  Both programs run inside
# tests/golden/paging/, so that -f names a file there (pages.txt).  To add
# a case: touch NAME.out (and NAME.args), then regen.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$here/tests/golden/paging
mode=${1:-check}

# shellcheck source=tests/host/golden_args.sh
. "$here/tests/host/golden_args.sh"

case $mode in
check)
	sim=$(realpath "${2:-$here/build/tools/paging-sim}")
	fails=0 n=0
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	cd "$dir"
	for f in "$dir"/*.out; do
		mapfile -t args < <(args_of "$f")
		n=$((n + 1))
		want=0 got=0
		[ -f "${f%.out}.status" ] && want=$(cat "${f%.out}.status")
		"$sim" "${args[@]}" >"$tmp" 2>/dev/null || got=$?
		if [ "$got" != "$want" ] || ! cmp -s "$tmp" "$f"; then
			echo "DIFFERS: $(basename "$f")"
			fails=$((fails + 1))
		fi
	done
	echo "$((n - fails)) of $n golden outputs match"
	[ "$fails" -eq 0 ]
	;;
regen)
	if [ -z "${PAGING_PY:-}" ] || [ ! -f "$PAGING_PY" ]; then
		echo "paging_golden.sh: set PAGING_PY to the path of OSTEP's" \
			"paging-policy.py" >&2
		exit 2
	fi
	py=$(realpath "$PAGING_PY")
	cd "$dir"
	for f in "$dir"/*.out; do
		mapfile -t args < <(args_of "$f")
		rc=0
		python3 "$py" "${args[@]}" >"$f" 2>/dev/null || rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "$rc" >"${f%.out}.status"
		else
			rm -f "${f%.out}.status"
		fi
	done
	echo "regenerated $(ls "$dir"/*.out | wc -l) golden outputs"
	;;
*)
	sed -n '2,18p' "$0" >&2
	exit 2
	;;
esac
