# pidshare kill: describe process PID, then signal it.
# $1: PID; $2: signal number; $3: text its command line must contain ("" for any), as ps shows
# the command line: its arguments joined by spaces, matched literally (newlines included).
# The description has the ps probe's format (see probe.sh), with this shell's own cgroup line.
# Refusals (`refuse`, defined with `cgroup_line` by the preamble runner.py puts before every
# script): no-process, not-expected, gone (it exited
# before the signal reached it), denied (the kernel's refusal, with the shell's message).
pid=$1 sig=$2 expect=$3

cd /proc || exit 1
[ -d "$pid" ] || refuse no-process "$pid"
printf 'pidshare-probe:%s\0' "$$"
grep -aHz '' "$pid/cmdline" "$pid/stat" 2>/dev/null
printf 'pidshare-lines\0'
grep -H -F -e Name: -e State: -e PPid: -e Uid: -e Threads: -e VmRSS: \
    "$pid/status" 2>/dev/null
cgroup_line "$pid/cgroup" "$$/cgroup"
if [ -n "$expect" ]; then
    line=$(tr '\000' ' ' <"$pid/cmdline" 2>/dev/null && printf x)
    case ${line%x} in
        *"$expect"*) ;;
        *) refuse not-expected "$pid" ;;
    esac
fi
why=$(kill "-$sig" "$pid" 2>&1) && exit 0
[ -d "$pid" ] || refuse gone "$pid"
refuse denied "$why"
