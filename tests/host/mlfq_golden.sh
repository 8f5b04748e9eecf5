#!/usr/bin/env bash
# mlfq_golden.sh: compare tools/mlfq-sim with OSTEP's mlfq.py.
#
#   tests/host/mlfq_golden.sh check [SIM]       every golden file against SIM
#   MLFQ_PY=/path/to/mlfq.py tests/host/mlfq_golden.sh regen
#                                               rewrite the golden files
#   MLFQ_PY=/path/to/mlfq.py tests/host/mlfq_golden.sh fuzz N [SIM] [SEED]
#                                               N random workloads through both
#
# SIM defaults to build/tools/mlfq-sim.  mlfq.py is not part of keel: fetch
# it from OSTEP's ostep-homework repository (cpu-sched-mlfq/mlfq.py) and
# point MLFQ_PY at it.  A golden file's name is its flags, joined by '_',
# each a flag letter with its value attached: c_Q10,20,40_l0,200,0.out is
# the stdout of `mlfq.py -c -Q10,20,40 -l0,200,0`.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$here/tests/golden/mlfq
mode=${1:-check}

flags_of() {  # golden file name -> one flag a line
	local name=${1%.out} tok
	local IFS=_
	for tok in $name; do printf -- '-%s\n' "$tok"; done
}

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
	for f in "$dir"/*.out; do
		mapfile -t args < <(flags_of "$(basename "$f")")
		n=$((n + 1))
		if ! "$sim" "${args[@]}" | cmp -s - "$f"; then
			echo "DIFFERS: $(basename "$f")"
			fails=$((fails + 1))
		fi
	done
	echo "$((n - fails)) of $n golden outputs match"
	[ "$fails" -eq 0 ]
	;;
regen)
	need_py
	for f in "$dir"/*.out; do
		mapfile -t args < <(flags_of "$(basename "$f")")
		python3 "$MLFQ_PY" "${args[@]}" > "$f"
	done
	echo "regenerated $(ls "$dir"/*.out | wc -l) golden outputs"
	;;
fuzz)
	need_py
	count=${2:-200}
	sim=${3:-$here/build/tools/mlfq-sim}
	seed=${4:-1}
	python3 - "$MLFQ_PY" "$sim" "$count" "$seed" <<'EOF'
import random, subprocess, sys
py, sim, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)

def flags():
    a, nq = [], rng.randint(1, 5)
    if rng.random() < 0.5:
        a += ['-Q', ','.join(str(rng.randint(1, 25)) for _ in range(nq))]
    else:
        a += ['-n', str(nq), '-q', str(rng.randint(1, 20))]
    if rng.random() < 0.5:
        a += ['-A', ','.join(str(rng.randint(1, 4)) for _ in range(nq))]
    else:
        a += ['-a', str(rng.randint(1, 4))]
    a += ['-B', str(rng.choice([0, 0, rng.randint(1, 150)]))]
    a += ['-i', str(rng.randint(0, 12))]
    a += [f for f in ('-S', '-I') if rng.random() < 0.4]
    if rng.random() < 0.85:
        jobs = ['%d,%d,%d' % (rng.choice([0, rng.randint(0, 150)]),
                              rng.randint(1, 200),
                              rng.choice([0, rng.randint(1, 20)]))
                for _ in range(rng.randint(1, 8))]
        a += ['-l', ':'.join(jobs)]
    else:
        a += ['-s', str(rng.randint(-100, 10**6)), '-j', str(rng.randint(1, 8)),
              '-m', str(rng.randint(1, 150)), '-M', str(rng.randint(1, 15))]
    return a + (['-c'] if rng.random() < 0.9 else [])

bad = 0
for i in range(count):
    a = flags()
    want = subprocess.run(['python3', py] + a, capture_output=True)
    got = subprocess.run([sim] + a, capture_output=True)
    if want.returncode != 0:
        continue
    if got.returncode != 0 or got.stdout != want.stdout:
        bad += 1
        print('DIFFERS:', ' '.join(a))
print('%d of %d random workloads match' % (count - bad, count))
sys.exit(1 if bad else 0)
EOF
	;;
*)
	sed -n '2,14p' "$0" >&2
	exit 2
	;;
esac
