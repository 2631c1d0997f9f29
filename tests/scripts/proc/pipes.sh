# SPDX-License-Identifier: GPL-2.0
# busybox sh (tests/cluster/test_process.py): pipelines, subshells,
# command substitution, redirects to /tmp, here-documents, loops.  Every
# line it prints is compared with the same script run natively.
PATH=/usr/bin:/bin
set -u
tmp=/tmp/proc-pipes
rm -rf $tmp
mkdir $tmp

echo "pipeline: $(printf 'cherry\nbanana\napple\n' | sort | tr a-z A-Z | head -n 2 | tr '\n' ' ')"
echo "three stages: $(seq 1 1000 | grep 7 | wc -l)"
echo "pipe status is the last's: $(false | true; echo $?) $(true | false; echo $?)"
echo "nested: $(echo "outer $(echo "inner $(echo deepest)")")"
x=1
(x=2; echo "subshell sees x=$x")
echo "parent still has x=$x"
( cd /etc && echo "subshell cwd $(pwd)" )
echo "parent cwd $(pwd)"
{ echo one; echo two; } > $tmp/group
echo three >> $tmp/group
wc -l < $tmp/group
cat $tmp/group | while read -r line; do
	echo "read: $line"
done
ls /nonexistent-dir 2> $tmp/err > $tmp/out
echo "ls status $?, stderr lines $(wc -l < $tmp/err), stdout bytes $(wc -c < $tmp/out)"
cat <<END > $tmp/heredoc
a here-doc with $x and $(echo substitution)
	tab kept
END
cat $tmp/heredoc
cat <<'END'
quoted: $x $(not run)
END
tr a-z A-Z <<-END
	stripped tabs
	END
i=0
while [ $i -lt 5 ]; do
	i=$((i + 1))
	[ $i -eq 2 ] && continue
	printf '%s ' "w$i"
done
echo
for f in /etc/hostname /etc/debian_version /missing; do
	if [ -e "$f" ]; then echo "exists $f"; else echo "absent $f"; fi
done
for n in 3 1 2; do echo "$n"; done | sort -n | tr '\n' ,
echo
exec 3> $tmp/fd3
echo "to fd 3" >&3
exec 3>&-
cat $tmp/fd3
echo "background: $( (sleep 0.1; echo first) & wait; echo second)"
echo "md5 of a stream: $(seq 1 5000 | md5sum | cut -d' ' -f1)"
rm -rf $tmp
echo "done"
