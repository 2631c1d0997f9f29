# SPDX-License-Identifier: GPL-2.0
# busybox sh (tests/cluster/test_process.py): traps on EXIT and on a
# signal, wait, kill, exit statuses (false, exit 3, a killed child is
# 128 + n).  The script itself ends with status 3.
PATH=/usr/bin:/bin
trap 'echo "EXIT trap, status $?"' EXIT
trap 'echo "got USR1"' USR1
false; echo "false: $?"
true; echo "true: $?"
(exit 3); echo "(exit 3): $?"
sh -c 'exit 42'; echo "sh -c exit 42: $?"
! true; echo "! true: $?"
kill -USR1 $$
echo "after kill -USR1 \$\$"
# The shell's "Terminated"/"Killed" note depends on whether the child
# was already reaped when `wait` runs (a race, natively too): not kept.
sleep 30 &
pid=$!
kill -TERM $pid
{ wait $pid; } 2>/dev/null
echo "sleep killed by TERM: $?"
sleep 30 &
kill -KILL $!
{ wait $!; } 2>/dev/null
echo "sleep killed by KILL: $?"
(sleep 0.2; exit 7) &
p1=$!
(exit 5) &
p2=$!
wait $p2; echo "wait p2: $?"
wait $p1; echo "wait p1: $?"
for n in 1 2 3; do (exit $n) & done
wait
echo "wait for all: $?"
kill -0 2147483647 2>/dev/null; echo "kill -0 of no such pid: $?"
sh -c 'kill -TERM $$; echo not reached'; echo "sh killing itself: $?"
out=$(sh -c 'trap "echo inner trap" EXIT; exit 4'); echo "inner: $out, $?"
exit 3
