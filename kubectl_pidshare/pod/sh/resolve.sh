# pidshare's path resolution, shared by cat and tree (runner.py puts it after the preamble).
# `resolve` reads $pid, $root (/proc/$pid/root) and $path, and sets $resolved: PATH with every
# component resolved inside the target's root: absolute symlinks restart at the target's root,
# ".." never climbs above it; a link that leads into /proc or /dev, relative or absolute, is
# refused (special), as are a process that is gone (no-process), a root that cannot be read
# (no-access), too many links (loop), a link without readlink (no-readlink) and a link that
# changes while read (changed). $hops counts the links followed. What it resolved can change
# afterwards: whoever opens it checks what was opened.
# A stream or a kernel file: refused, with the cgroup lines that tell whose output it is.
special() {
    cgroup_line "/proc/$pid/cgroup" "/proc/$$/cgroup" >&2
    refuse special "$1"
}

resolve() {
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
}
