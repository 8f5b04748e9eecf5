#!/usr/bin/env bash
# mlfq_golden.sh: compare tools/mlfq-sim with OSTEP's mlfq.py.
#
#   tests/host/mlfq_golden.sh check [SIM]       every golden file against SIM
#   MLFQ_PY=/path/to/mlfq.py [MLFQ_PY_2020=/path/to/old/mlfq.py] \
#       tests/host/mlfq_golden.sh regen         rewrite the golden files
#   MLFQ_PY=/path/to/mlfq.py tests/host/mlfq_golden.sh fuzz N [SIM] [SEED]
#                                               N random command lines through
#                                               both (tools/mlfq-diff)
#
# SIM defaults to build/tools/mlfq-sim.  mlfq.py is not part of keel: fetch
# it from OSTEP's ostep-homework repository (cpu-sched-mlfq/mlfq.py) and
# point MLFQ_PY at it (tests/golden/mlfq/README.md names the commit).  A
# golden file's name is its flags, joined by '_', each a flag letter with
# its value attached: c_Q10,20,40_l0,200,0.out is the stdout of
# `mlfq.py -c -Q10,20,40 -l0,200,0`; NAME.args, when present, holds the
# arguments instead, one a line (for values a name cannot spell), and
# NAME.status the exit status mlfq.py ends with if not 0.  Files in
# 2020/ come from mlfq.py before its 2023 boost fix and are checked with
# `mlfq-sim --compat=2020`.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$here/tests/golden/mlfq
mode=${1:-check}

# shellcheck source=tests/host/golden_args.sh
. "$here/tests/host/golden_args.sh"

need_py() {
	if [ -z "${MLFQ_PY:-}" ] || [ ! -f "$MLFQ_PY" ]; then
		echo "mlfq_golden.sh: set MLFQ_PY to the path of OSTEP's mlfq.py" >&2
		exit 2
	fi
}

case $mode in
check)
	sim=${2:-$here/build/tools/mlfq-sim}
	fails=0 n=0
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	for f in "$dir"/*.out "$dir"/2020/*.out; do
		mapfile -t args < <(args_of "$f")
		case $f in */2020/*) args=(--compat=2020 "${args[@]}") ;; esac
		n=$((n + 1))
		want=0 got=0
		[ -f "${f%.out}.status" ] && want=$(cat "${f%.out}.status")
		"$sim" "${args[@]}" > "$tmp" 2>/dev/null || got=$?
		if [ "$got" != "$want" ] || ! cmp -s "$tmp" "$f"; then
			echo "DIFFERS: ${f#"$dir"/}"
			fails=$((fails + 1))
		fi
	done
	echo "$((n - fails)) of $n golden outputs match"
	[ "$fails" -eq 0 ]
	;;
regen)
	need_py
	for f in "$dir"/*.out; do
		mapfile -t args < <(args_of "$f")
		python3 "$MLFQ_PY" "${args[@]}" > "$f" 2>/dev/null || true
	done
	echo "regenerated $(ls "$dir"/*.out | wc -l) golden outputs"
	if [ -n "${MLFQ_PY_2020:-}" ]; then
		for f in "$dir"/2020/*.out; do
			mapfile -t args < <(args_of "$f")
			python3 "$MLFQ_PY_2020" "${args[@]}" > "$f"
		done
		echo "regenerated $(ls "$dir"/2020/*.out | wc -l) outputs in 2020/"
	fi
	;;
fuzz)
	need_py
	exec "$here/tools/mlfq-diff" --mlfq-py "$MLFQ_PY" \
		--sim "${3:-$here/build/tools/mlfq-sim}" --count "${2:-200}" \
		--seed "${4:-1}"
	;;
*)
	sed -n '2,20p' "$0" >&2
	exit 2
	;;
esac
