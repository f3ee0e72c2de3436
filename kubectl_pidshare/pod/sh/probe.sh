# pidshare ps probe: every process of the PID namespace it runs in. It takes no argument,
# so it can run while the Pod is still being fetched. It needs sh and grep, nothing else.
# Output, in two parts:
# 1. NUL-terminated records: "pidshare-probe:<pid of this shell>", then what `grep -aHz ''`
#    prints: each NUL-separated piece of each file prefixed with the file's real name, so no
#    content can pass for another file or process (command lines and stat lines hold
#    anything); then the record "pidshare-lines".
# 2. Lines, each prefixed with its file's name by `grep -H`: the status fields used (fixed
#    strings: busybox's regex grep is ten times slower; a field's name is what precedes the
#    first colon of its line), the cgroup line of each process (`cgroup_line`, see runner.py),
#    the users of each container (see users below), btime.
# A process is listed if all its files were read: one that comes or goes mid-scan is not.
cd /proc || exit 1
command -v grep >/dev/null 2>&1 || exit 127
cgroups=$(cgroup_line [0-9]*/cgroup)
printf 'pidshare-probe:%s\0' "$$"
grep -aHz '' [0-9]*/cmdline [0-9]*/stat 2>/dev/null
printf 'pidshare-lines\0'
grep -H -F -e Name: -e State: -e PPid: -e Uid: -e Threads: -e VmRSS: -e SigBlk: -e SigIgn: \
    -e SigCgt: [0-9]*/status 2>/dev/null
printf '%s\n' "$cgroups"

# Each cgroup's users (one cgroup a container), from /etc/passwd as one of its processes sees
# it: this shell's first, for its own container, then the others' in turn until one is read.
# The file is the container's to make: only a regular file is opened (a FIFO would block, a
# device never end); grep prints `NAME:PASSWORD:UID:` of its first 2000 entries, with at most
# 1 s of CPU and 64 MiB of memory (a huge file, or one endless line, costs no more). dash and
# busybox know these limits; a shell that does not reads without them. The lines are split by
# the shell, not read: `read` takes a byte a system call, 4.5 s of a 10,000-process Pod's probe.
mine=$(printf '%s\n' "$cgroups" | grep -e "^$$/cgroup:")
(
    IFS='
'
    set -f
    seen='
'
    # shellcheck disable=SC2086
    for line in $mine $cgroups; do
        group=${line#*/cgroup:}
        case $seen in *"
$group
"*) continue ;; esac
        passwd=${line%%/*}/root/etc/passwd
        [ -f "$passwd" ] && [ -r "$passwd" ] || continue
        seen="$seen$group
"
        # shellcheck disable=SC3045
        (ulimit -t 1; ulimit -v 65536; exec grep -aHo -m 2000 \
            -E '^[^:]{1,256}:[^:]{0,256}:[0-9]{1,10}:' "$passwd") 2>/dev/null
    done
)
grep -H '^btime ' stat
exit 0
