# pidshare kill: describe process PID, then signal it.
# $1: PID; $2: signal number; $3: text its command line must contain ("" for any), as ps shows
# the command line: its arguments joined by spaces, matched literally (newlines included).
# The description has the ps probe's format (see probe.sh), with this shell's own cgroup line.
# It needs sh and grep, nothing else. Refusals (`refuse`, defined with `cgroup_line` and
# `creds` by the preamble runner.py puts before every script): no-process, not-expected, gone
# (it exited before the signal reached it), denied (the kernel's refusal, with the effective
# uid, gid and capabilities of this shell and of the process).
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
kill "-$sig" "$pid" 2>/dev/null && exit 0
[ -d "$pid" ] || refuse gone "$pid"
refuse denied "$(creds $$) $(creds "$pid")"
