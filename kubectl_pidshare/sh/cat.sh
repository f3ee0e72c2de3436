# pidshare cat: write the bytes of PATH as process PID sees it.
# $1: PID; $2: PATH with every byte written as a \0ooo octal escape (so any byte survives argv).
# Every path component is resolved inside /proc/PID/root: absolute symlinks restart at the
# target's root, ".." never climbs above it. Refusals (`refuse`, defined by the preamble
# runner.py puts before every script): no-process, no-access, loop, special, not-found,
# directory, not-regular, no-readlink, permission. Once the file is open, cat's own status.
pid=$1
path=$(printf '%bx' "$2")
path=${path%x}
root=/proc/$pid/root

[ -d "/proc/$pid" ] || refuse no-process "$pid"
[ -d "$root/" ] || refuse no-access "$pid"

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
        case $resolved in /proc|/proc/*) refuse special "$resolved/$comp" ;; esac
        hops=$((hops + 1))
        [ "$hops" -le 40 ] || refuse loop "$resolved/$comp"
        target=$(readlink "$root$resolved/$comp" && printf x) || refuse no-readlink "$resolved/$comp"
        target=${target%?x}
        case $target in
            /proc|/proc/*|/dev|/dev/*) refuse special "$resolved/$comp -> $target" ;;
            /*) resolved= ;;
        esac
        todo=$target/$todo
    else
        resolved=$resolved/$comp
    fi
done

file=$root$resolved
[ -e "$file" ] || refuse not-found "${resolved:-/}"
[ -d "$file" ] && refuse directory "${resolved:-/}"
[ -f "$file" ] || refuse not-regular "${resolved:-/}"
[ -r "$file" ] || refuse permission "${resolved:-/}"
exec cat -- "$file"
