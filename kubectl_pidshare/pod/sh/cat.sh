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
# capabilities of this shell and of the process), loop, special, not-found, directory,
# not-regular, no-readlink, permission, changed (the path's resolution: `resolve`,
# sh/resolve.sh). Once the file is open, cat's (or grep's) own status.
pid=$1
path=$(printf '%bx' "$2")
path=${path%x}
root=/proc/$pid/root
resolve

file=$root$resolved
shown=${resolved:-/}
[ -e "$file" ] || refuse not-found "$shown"
[ -d "$file" ] && refuse directory "$shown"
# Each test is a stat of its own: a path that is a file again by the second test is changing.
if ! [ -f "$file" ]; then
    if [ -e "$file" ] && ! [ -f "$file" ] && ! [ -d "$file" ]; then
        refuse not-regular "$shown"
    fi
    refuse changed "$shown"
fi
if ! [ -r "$file" ]; then
    if [ -e "$file" ] && ! [ -r "$file" ]; then
        refuse permission "$shown"
    fi
    refuse changed "$shown"
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
        cat <&3 || return
        # The offset cat read to tells how many bytes should arrive (not for proc and sysfs
        # files, whose offsets need not count bytes).
        case ${fstype%% *} in proc|sysfs) return ;; esac
    else
        # grep writes each NUL-terminated piece with a NUL after it: the file's bytes, and one
        # NUL more if they do not end with one. The offset it read to (the size) tells.
        grep -az '' <&3
        status=$?
        [ "$status" -le 1 ] || return "$status"
    fi
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
