# /etc/demo.sh: a script for keel's sh (run it with `sh /etc/demo.sh`).
# Every line below forks; a line with `|` forks once per command, wiring
# the commands' standard output to the next one's standard input.
echo "motd: lines words bytes"
cat /etc/motd | wc
echo "programs in /bin:"
ls /bin | wc
ls /bin | cat | cat | wc   # three pipes, four processes
false
echo "false gave $?"
nosuch-command
echo "a missing command gives $?"
echo 'quotes keep "blanks   and | bars"'; echo two; echo commands
exit 0
