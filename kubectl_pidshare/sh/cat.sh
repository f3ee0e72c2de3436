# pidshare cat: write the bytes of PATH as process PID sees it.
# $1: PID; $2: PATH with every byte written as a \0ooo octal escape (so any byte survives argv).
# Every path component is resolved inside /proc/PID/root: absolute symlinks restart at the
# target's root, ".." never climbs above it. Failures: one line "pidshare: CODE DETAIL" on
# stderr and a status of 64..73; once the file is open, cat's own status.
pid=$1
path=$(printf '%bx' "$2")
path=${path%x}
root=/proc/$pid/root
fail() { printf 'pidshare: %s %s\n' "$1" "$3" >&2; exit "$2"; }

[ -d "/proc/$pid" ] || fail no-process 64 "$pid"
[ -d "$root/" ] || fail no-access 65 "$pid"

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
        case $resolved in /proc|/proc/*) fail special 68 "$resolved/$comp" ;; esac
        hops=$((hops + 1))
        [ "$hops" -le 40 ] || fail loop 67 "$resolved/$comp"
        target=$(readlink "$root$resolved/$comp" && printf x) || fail no-readlink 72 "$resolved/$comp"
        target=${target%?x}
        case $target in
            /proc|/proc/*|/dev|/dev/*) fail special 68 "$resolved/$comp -> $target" ;;
            /*) resolved= ;;
        esac
        todo=$target/$todo
    else
        resolved=$resolved/$comp
    fi
done

file=$root$resolved
[ -e "$file" ] || fail not-found 69 "${resolved:-/}"
[ -d "$file" ] && fail directory 70 "${resolved:-/}"
[ -f "$file" ] || fail not-regular 71 "${resolved:-/}"
[ -r "$file" ] || fail permission 73 "${resolved:-/}"
exec cat -- "$file"
