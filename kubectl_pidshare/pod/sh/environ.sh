# pidshare env: describe process PID, then print its environment as the kernel holds it.
# $1: PID; $2: the most variables to print.
# /proc/PID/environ is the environment the process was started with (fixed at exec: a later
# setenv or unsetenv inside the process does not change it). Output: the description, in the
# ps probe's format (see probe.sh and kill.sh), then the record `pidshare-environ`, then
# `grep -aHz ''` of the environ file: each variable a NUL-terminated record prefixed with the
# file's name, so no value can pass for anything else. The description holds no NUL after
# `pidshare-lines`, so the first `pidshare-environ` record after it is this script's own.
# grep opens the file once; the kernel checks ptrace-read access at that open.
# Refusals (`refuse`, defined with `cgroup_line` by the preamble runner.py puts before every
# script): no-process, no-access (no ptrace-read access: `creds` of this shell, then of the
# process, as cat.sh refuses it).
pid=$1 most=$2

cd /proc || exit 1
[ -d "$pid" ] || refuse no-process "$pid"
printf 'pidshare-probe:%s\0' "$$"
grep -aHz '' "$pid/cmdline" "$pid/stat" 2>/dev/null
printf 'pidshare-lines\0'
grep -H -F -e Name: -e State: -e PPid: -e Uid: -e Threads: -e VmRSS: \
    "$pid/status" 2>/dev/null
cgroup_line "$pid/cgroup" "$$/cgroup"
printf 'pidshare-environ\0'
grep -aHz -m "$most" '' "$pid/environ" 2>/dev/null
[ "$?" -le 1 ] && exit 0
[ -d "$pid" ] || refuse no-process "$pid"
refuse no-access "$(creds $$) $(creds "$pid")"
