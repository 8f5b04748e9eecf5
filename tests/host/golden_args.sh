# golden_args.sh: sourced by the *_golden.sh scripts.  A golden file's name
# is its simulator flags joined by '_', each a flag letter with its value
# attached (c_pLRU_C3.out: -c -pLRU -C3); NAME.args, when present, holds the
# arguments instead, one a line.

args_of() { # golden file -> one argument a line
	local f=$1 name tok
	if [ -f "${f%.out}.args" ]; then
		cat "${f%.out}.args"
		return
	fi
	name=$(basename "$f" .out)
	local IFS=_
	for tok in $name; do printf -- '-%s\n' "$tok"; done
}
