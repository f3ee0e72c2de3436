# pidshare kill: describe process PID, check its signal dispositions, then signal it.
# $1: PID; $2: signal number; $3: text its command line must contain ("" for any), as ps shows
# the command line: its arguments joined by spaces, matched literally (newlines included);
# $4: "force" to send the signal whatever the process does with it.
# The description has the ps probe's format (see probe.sh), with this shell's own cgroup line;
# its status lines (the signal masks among them) are the ones the check below reads.
# It needs sh and grep, nothing else. Refusals (`refuse`, defined with `cgroup_line` and
# `creds` by the preamble runner.py puts before every script): no-process, not-expected, gone
# (it exited before the signal reached it), denied (the kernel's refusal, with the effective
# uid, gid and capabilities of this shell and of the process), ignored (the process ignores
# the signal: nothing would happen), uncaught (it neither catches nor ignores a signal whose
# default action ends a process, and ending it is not the signal's purpose as it is for INT,
# QUIT, ABRT, KILL and TERM). A blocked signal is sent: it stays pending until the process
# unblocks it (or waits for it with sigwait).
pid=$1 sig=$2 expect=$3 force=${4:-}

cd /proc || exit 1
[ -d "$pid" ] || refuse no-process "$pid"
printf 'pidshare-probe:%s\0' "$$"
grep -aHz '' "$pid/cmdline" "$pid/stat" 2>/dev/null
printf 'pidshare-lines\0'
status=$(grep -H -F -e Name: -e State: -e PPid: -e Uid: -e Threads: -e VmRSS: -e SigBlk: \
    -e SigIgn: -e SigCgt: "$pid/status" 2>/dev/null)
printf '%s\n' "$status"
cgroup_line "$pid/cgroup" "$$/cgroup"
if [ -n "$expect" ]; then
    # The arguments joined by spaces: grep prefixes each with its file's name, the command
    # substitution drops the NULs, and each prefix becomes a space (an argument that holds the
    # prefix itself reads as two: the process's own doing, on its own command line).
    mark=$pid/cmdline:
    rest=$(grep -aHz '' "$pid/cmdline" 2>/dev/null; printf x)
    rest=${rest%x}
    rest=${rest#"$mark"}
    line=
    while case $rest in *"$mark"*) true ;; *) false ;; esac; do
        line="$line${rest%%"$mark"*} "
        rest=${rest#*"$mark"}
    done
    case $line$rest in
        *"$expect"*) ;;
        *) refuse not-expected "$pid" ;;
    esac
fi
# has MASK: whether the status line MASK (16 hex digits, bit N-1 for signal N) holds $sig.
# Each half is read apart: dash saturates a hex constant above 2^63-1.
has() {
    mask=$(printf '%s\n' "$status" | grep -e "^$pid/status:$1:")
    mask=${mask##*[!0-9a-f]}
    [ ${#mask} -eq 16 ] || return 1
    bit=$((sig - 1))
    if [ "$bit" -ge 32 ]; then
        half=${mask%????????} bit=$((bit - 32))
    else
        half=${mask#????????}
    fi
    [ $(((0x$half >> bit) & 1)) -eq 1 ]
}
if [ "$sig" -ne 0 ] && [ "$force" != force ] && ! has SigBlk; then
    has SigIgn && refuse ignored "$pid"
    case $sig in
        1|4|5|7|8|10|11|12|13|14|16|24|25|26|27|29|30|31|3[4-9]|[4-5][0-9]|6[0-4])
            has SigCgt || refuse uncaught "$pid" ;;
    esac
fi
kill "-$sig" "$pid" 2>/dev/null && exit 0
[ -d "$pid" ] || refuse gone "$pid"
refuse denied "$(creds $$) $(creds "$pid")"
