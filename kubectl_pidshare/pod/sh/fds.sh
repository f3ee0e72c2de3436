# pidshare fds: the sockets of the Pod's network namespace and what its processes hold open.
# It runs before probe.sh, in the same exec (the probe's processes attribute the descriptors).
# $1: ports (the inodes behind every process's descriptors: sh and grep only), deleted (every
# process's deleted files still open) or fds (every descriptor of process $2). deleted and fds
# read where a descriptor points with readlink, and the inode and size of files with ls -inL
# where there is one.
# Output, in two parts:
# 1. NUL-terminated records, none of which can hold a NUL: `PID/fd/N:KIND:SIZE:INODE:TARGET`
#    per descriptor read (KIND as test(1) says: f d p S c b, - for none of them: anon inodes;
#    TARGET as readlink prints it, without its newline), `denied:PID` for a process whose
#    descriptors may not be read (no ptrace access), `cut:PID` where more were left unread;
#    then the record `pidshare-fds-lines`.
# 2. Lines (no NUL): `missing readlink`; the /proc/net tables as `grep -H` prints them
#    (`net/unix:LINE`: a unix socket's path may hold a newline, its next line still carries
#    the prefix), at most $rows lines each; per process, `fds PID` then its fdinfo lines as
#    `N:FIELD:\tVALUE`, `denied PID`, `cut PID`; then the record `pidshare-end`, NUL-framed.
# Bounds: $limit descriptors a process (names of five digits at most, in chunks of 10,000 so
# that no command line outgrows ARG_MAX), fdinfo of $budget descriptors in all (give or take
# a chunk), $forks readlink/ls runs in all.
cd /proc || exit 1
command -v grep >/dev/null 2>&1 || exit 127
mode=$1
only=${2:-}
rows=50001
limit=100000
budget=300000
total=0
forks=4000
links=yes
command -v readlink >/dev/null 2>&1 || links=
sizes=yes
command -v ls >/dev/null 2>&1 || sizes=

# One descriptor's record: $1 PID, $2 its number. Deleted mode keeps deleted files only.
describe() {
    fd=$1/fd/$2
    if [ -f "$fd" ]; then kind=f
    elif [ -d "$fd" ]; then kind=d
    elif [ -p "$fd" ]; then kind=p
    elif [ -S "$fd" ]; then kind=S
    elif [ -c "$fd" ]; then kind=c
    elif [ -b "$fd" ]; then kind=b
    else kind=-
    fi
    [ "$mode" = deleted ] && [ "$kind" != f ] && return
    forks=$((forks - 1))
    link=
    if [ "$kind" != S ]; then
        link=$(readlink "$fd" 2>/dev/null && printf x) || return
        link=${link%?x}
    fi
    if [ "$mode" = deleted ]; then
        case $link in *' (deleted)') ;; *) return ;; esac
    fi
    size=
    inode=
    if [ "$kind" = f ] && [ -n "$sizes" ]; then
        set -f
        # shellcheck disable=SC2046
        set -- $(ls -inLd "$fd" 2>/dev/null)
        set +f
        inode=${1:-}
        size=${6:-}
        forks=$((forks - 1))
    fi
    printf '%s:%s:%s:%s:%s\0' "$fd" "$kind" "$size" "$inode" "$link"
}

# Every descriptor of process $1 described, within the bounds.
walk() {
    cd "$1/fdinfo" 2>/dev/null || { printf 'denied:%s\0' "$1"; return; }
    cd /proc || exit 1
    seen=0
    for entry in "$1"/fd/*; do
        [ -e "$entry" ] || continue
        if [ "$seen" -ge "$limit" ] || [ "$forks" -le 0 ]; then
            printf 'cut:%s\0' "$1"
            return
        fi
        seen=$((seen + 1))
        describe "$1" "${entry##*/}"
    done
}

# The fdinfo lines ($fields) of process $1, within the bounds.
fdinfo() {
    pid=$1
    cd "$pid/fdinfo" 2>/dev/null || { echo "denied $pid"; return; }
    echo "fds $pid"
    for chunk in '?' '??' '???' '????' '1????' '2????' '3????' '4????' '5????' '6????' \
            '7????' '8????' '9????'; do
        # shellcheck disable=SC2086
        set -- $chunk
        [ -e "$1" ] || continue
        if [ "$total" -ge "$budget" ]; then echo "cut $pid"; break; fi
        total=$((total + $#))
        # shellcheck disable=SC2086
        grep -H -F $fields "$@" 2>/dev/null
    done
    for entry in ??????*; do
        [ -e "$entry" ] && echo "cut $pid"
        break
    done
    cd /proc || exit 1
}

if [ "$mode" != ports ] && [ -n "$links" ]; then
    if [ "$mode" = fds ]; then
        walk "$only"
    else
        for pid in [0-9]*; do
            [ "$pid" = "$$" ] || walk "$pid"
        done
    fi
fi
printf 'pidshare-fds-lines\0'
[ -n "$links" ] || [ "$mode" = ports ] || echo "missing readlink"
if [ "$mode" != deleted ]; then
    grep -H -m "$rows" '' net/tcp net/tcp6 net/udp net/udp6 net/unix 2>/dev/null
fi
fields='-e ino: -e mnt_id:'
if [ "$mode" = fds ]; then
    fields='-e pos: -e flags: -e mnt_id: -e ino:'
    fdinfo "$only"
elif [ "$mode" = ports ]; then
    for pid in [0-9]*; do
        [ "$pid" = "$$" ] || fdinfo "$pid"
    done
fi
printf '\0pidshare-end\0'
