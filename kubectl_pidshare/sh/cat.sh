# pidshare cat: write the bytes of PATH as process PID sees it.
# $1: PID; $2: PATH with every byte written as a \0ooo octal escape (so any byte survives argv).
# Every path component is resolved inside /proc/PID/root: absolute symlinks restart at the
# target's root, ".." never climbs above it; a link that leads into /proc or /dev, relative or
# absolute, is refused. The target may change the path meanwhile, so the file is opened once and
# the open file itself is checked: it must sit on a mount of the target's own mount namespace
# (a component swapped for a link to / would otherwise open a file of the runner's root), be a
# regular file, and be on /proc or /sys only if PATH asked for it. Then it is streamed from that
# descriptor, by cat; without cat, by grep (see stream). It needs sh and grep, and readlink for
# a path through a symlink. Refusals (`refuse` and `creds`, defined by the preamble runner.py
# puts before every script): no-process, no-access (with the effective uid, gid and
# capabilities of this shell and of the process), loop, special, not-found, directory, not-regular,
# no-readlink, permission, changed. Once the file is open, cat's (or grep's) own status.
pid=$1
path=$(printf '%bx' "$2")
path=${path%x}
root=/proc/$pid/root
# A stream or a kernel file: refused, with the cgroup lines that tell whose output it is.
special() {
    cgroup_line "/proc/$pid/cgroup" "/proc/$$/cgroup" >&2
    refuse special "$1"
}

[ -d "/proc/$pid" ] || refuse no-process "$pid"
[ -d "$root/" ] || refuse no-access "$(creds $$) $(creds "$pid")"

resolved=
todo=$path
hops=0
while [ -n "$todo" ]; do
    while case $todo in /*) true ;; *) false ;; esac; do todo=${todo#/}; done
    [ -n "$todo" ] || break
    case $todo in
        */*) comp=${todo%%/*}; todo=${todo#*/} ;;
        *) comp=$todo; todo= ;;
    esac
    case $comp in
        .) continue ;;
        ..) resolved=${resolved%/*}; continue ;;
    esac
    if [ -L "$root$resolved/$comp" ]; then
        case $resolved in /proc|/proc/*) special "$resolved/$comp" ;; esac
        hops=$((hops + 1))
        [ "$hops" -le 40 ] || refuse loop "$resolved/$comp"
        if ! target=$(readlink "$root$resolved/$comp" && printf x); then
            command -v readlink >/dev/null 2>&1 || refuse no-readlink "$resolved/$comp"
            refuse changed "$resolved/$comp"
        fi
        target=${target%?x}
        case $target in
            /proc|/proc/*|/dev|/dev/*) special "$resolved/$comp -> $target" ;;
            /*) resolved= ;;
        esac
        todo=$target/$todo
    else
        resolved=$resolved/$comp
    fi
done
if [ "$hops" -gt 0 ]; then
    case $resolved in /proc|/proc/*|/dev|/dev/*) special "$path -> $resolved" ;; esac
fi

file=$root$resolved
shown=${resolved:-/}
[ -e "$file" ] || refuse not-found "$shown"
[ -d "$file" ] && refuse directory "$shown"
if ! [ -f "$file" ]; then
    [ -e "$file" ] || refuse changed "$shown"
    refuse not-regular "$shown"
fi
if ! [ -r "$file" ]; then
    [ -e "$file" ] || refuse changed "$shown"
    refuse permission "$shown"
fi

# Check what descriptor 3 holds, then stream it. Called with stderr where the refusals go.
stream() {
    # shellcheck disable=SC2046
    set -- $(grep '^mnt_id:' "/proc/$$/fdinfo/3")
    mount=$(grep -e "^$2 " "/proc/$pid/mountinfo") || refuse changed "$shown"
    fstype=${mount#* - }
    case ${fstype%% *} in
        proc|sysfs) case $resolved in /proc/*|/sys/*) ;; *) special "$path -> $shown" ;; esac ;;
    esac
    [ -f "/proc/$$/fd/3" ] || refuse not-regular "$shown"
    if command -v cat >/dev/null 2>&1; then
        cat <&3
        return
    fi
    # grep writes each NUL-terminated piece with a NUL after it: the file's bytes, and one NUL
    # more if they do not end with one. The offset it read to (the size) tells, on stderr.
    grep -az '' <&3
    status=$?
    [ "$status" -le 1 ] || return "$status"
    # shellcheck disable=SC2046
    set -- $(grep '^pos:' "/proc/$$/fdinfo/3")
    printf 'pidshare-read %s\n' "$2" >&2
}

exec 6>&2
opened=
{ opened=yes; stream 2>&6; } 2>/dev/null 3<"$file"
status=$?
[ -n "$opened" ] || refuse changed "$shown"
exit "$status"
