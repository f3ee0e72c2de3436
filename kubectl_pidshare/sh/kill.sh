# pidshare kill: describe process PID, then signal it.
# $1: PID; $2: signal number; $3: text its command line must contain ("" for any);
# $4: "force" to signal what looks like the sandbox; $5, $6: the Pod's cgroup names
# (pod<uid> with dashes, with underscores); $7...: the Pod's container IDs.
# The description has the ps probe's format (see probe.sh). Refusals: one line
# "pidshare: CODE DETAIL" on stderr and a status of 64..66; the kill: 0, or the shell's
# message and status 1.
pid=$1 sig=$2 expect=$3 force=$4 pod1=$5 pod2=$6
shift 6
fail() { printf 'pidshare: %s %s\n' "$1" "$3" >&2; exit "$2"; }

cd /proc || exit 1
[ -d "$pid" ] || fail no-process 64 "$pid"
grep -aHz '' "$pid/cmdline" "$pid/stat" 2>/dev/null
printf 'pidshare-lines\0'
grep -H -F -e Name: -e State: -e PPid: -e Uid: -e Threads: -e VmRSS: \
    "$pid/status" 2>/dev/null
grep -H -m1 -e kubepods -e '^0::' "$pid/cgroup" 2>/dev/null
if [ -n "$expect" ] && ! grep -qazF -- "$expect" "$pid/cmdline"; then
    fail mismatch 65 "$pid"
fi
if [ "$force" != force ] && grep -qF -e "$pod1" -e "$pod2" "$pid/cgroup" 2>/dev/null; then
    owned=
    for id do grep -qF -- "$id" "$pid/cgroup" && owned=yes; done
    [ -n "$owned" ] || fail sandbox 66 "$pid"
fi
kill "-$sig" "$pid"
