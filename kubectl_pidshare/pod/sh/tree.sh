# pidshare tree: what is at PATH as process PID sees it, for `ls` (the entries) and `cp` (the
# entries and the bytes of the regular files).
# $1: PID; $2: PATH (\0ooo escapes, as cat takes it); $3: ls or cp; $4: 1 for dot files;
# $5: 1 to walk every directory below (else the entries of PATH only).
# PATH is resolved as cat resolves it (`resolve`, sh/resolve.sh). Every directory is then opened,
# its descriptor checked (a directory, on a mount of the target's own mount namespace, neither
# proc nor sysfs) and entered through that descriptor; names are read by the shell's glob and
# used relative to it, so a component swapped for a link cannot lead outside the target's root:
# what a swap makes the kernel open is refused by the same check. Regular files are opened once,
# checked the same way, and read from that descriptor.
# It needs sh and grep, readlink for symlinks; metadata comes from stat (busybox: mode, links,
# owner, size, mtime), else from GNU ls (`-n --time-style=+%s`: the same fields), else only the
# type is known; the bytes come from dd (`iflag=count_bytes`: busybox's and GNU's), else head
# (busybox's is four times slower), else pidshare reads each file with cat.
# Output, NUL-terminated fields: "pidshare-tree", the metadata tool, the content tool, PATH
# resolved; for ls, "u" passwd|group and the `NAME:PASSWORD:ID:` lines of the target's file;
# per entry "e", its type (d f l s), its metadata "MODE LINKS UID GID SIZE MTIME", its path under
# PATH (empty for PATH itself), its link's text, then "c" and SIZE bytes and the offset head
# read to (short of SIZE: the file shrank and was padded with NULs), or "-" (no bytes sent), or
# a reason it was not read; "n" REASON PATH for a directory not walked; "z" at the end.
pid=$1
path=$(printf '%bx' "$2")
path=${path%x}
root=/proc/$pid/root
mode=$3
all=$4
deep=$5
resolve

if command -v stat >/dev/null 2>&1; then
    meta=stat
elif ls -ldn --time-style=+%s / >/dev/null 2>&1; then
    meta='ls'
else
    meta=none
fi
content=none dd=''
dd if=/dev/null iflag=count_bytes count=0 2>/dev/null && dd=yes
if [ "$mode" != cp ] || [ "$meta" = none ]; then
    :
elif [ -n "$dd" ]; then
    content='dd'
elif command -v head >/dev/null 2>&1; then
    content='head'
fi
batch='' queued=0 most=7
if [ "$content" != none ] && command -v tar >/dev/null 2>&1; then
    batch='tar'
    # A shell that opens descriptors past 9 (busybox's) batches 60 files a tar, dash 7.
    (eval 'exec 10</dev/null') 2>/dev/null && most=60
fi
mounts=' '
while read -r id _ _ _ _ rest; do
    fs=${rest#* - }
    mounts="$mounts$id:${fs%% *} "
done <"/proc/$pid/mountinfo"

# fdinfo FD: sets mnt and pos from the descriptor's fdinfo (of this shell or subshell; pos
# comes first, the lines after mnt_id are not read).
fdinfo() {
    mnt='' pos=0
    while read -r key value; do
        case $key in mnt_id:) mnt=$value; break ;; pos:) pos=$value ;; esac
    done <"/proc/self/fdinfo/$1"
}

# on_target FD: whether the descriptor is on a mount of the target's namespace, not proc/sysfs.
on_target() {
    fdinfo "$1"
    case $mounts in
        *" $mnt:proc "* | *" $mnt:sysfs "*) return 1 ;;
        *" $mnt:"*) return 0 ;;
    esac
    return 1
}

info() {
    case $meta in
        stat) stat -c '%f %h %u %g %s %Y' "$1" 2>/dev/null ;;
        ls)
            set -f
            # shellcheck disable=SC2046
            set -- $(ls -ldn --time-style=+%s "$1" 2>/dev/null)
            set +f
            # A device's size is its numbers, `MAJOR, MINOR`: one field (not a size).
            case $5 in *,) set -- "$1" "$2" "$3" "$4" "$5$6" "$7" ;; esac
            printf '%s %s %s %s %s %s' "$1" "$2" "$3" "$4" "$5" "$6"
            ;;
        *) printf -- '- - - - - -' ;;
    esac
}

# send SIZE: the bytes of the regular file open on descriptor 3, exactly SIZE of them.
send() {
    printf 'c\0'
    if [ "$content" = dd ]; then
        dd bs=65536 iflag=count_bytes count="$1" <&3 2>/dev/null
    else
        head -c "$1" <&3
    fi
    fdinfo 3
    [ "$pos" -ge "$1" ] || head -c "$(($1 - pos))" /dev/zero
    printf '%s\0' "$pos"
}

# file NAME SIZE: the record's last field for a regular file, then its bytes.
file() {
    case $content:$2 in none:* | *:) printf -- '-\0'; return ;; esac
    case $2 in *[!0-9]*) printf -- '-\0'; return ;; esac
    opened=
    { opened=yes; if on_target 3 && [ -f /proc/self/fd/3 ]; then send "$2"; else
        printf 'changed\0'; fi; } 2>/dev/null 3<"./$1"
    [ -n "$opened" ] || printf 'permission\0'
}

# entry NAME REL DEPTH [FIELDS]: the record of ./NAME (REL: its path under PATH; FIELDS: its
# metadata if read already), then its bytes, or the entries below it (a directory, when walking).
entry() {
    if [ -L "./$1" ]; then type=l
    elif [ -d "./$1" ]; then type=d
    elif [ -f "./$1" ]; then type=f
    elif [ -e "./$1" ]; then type=s
    else return 0
    fi
    fields=${4:-$(info "./$1")}
    target='' state=-
    if [ "$type" = l ]; then
        target=$(readlink "./$1" 2>/dev/null && printf x) || state=no-readlink
        target=${target%?x}
    fi
    if [ "$type" = f ] && [ -n "$batch" ]; then
        queue "$1" "$2" "$fields"
        return
    fi
    printf 'e\0%s\0%s\0%s\0%s\0' "$type" "$fields" "$2" "$target"
    if [ "$type" = f ]; then
        # shellcheck disable=SC2086
        set -- "$1" $fields
        file "$1" "$6"
        return
    fi
    printf '%s\0' "$state"
    [ "$type" = d ] && { [ "$deep" = 1 ] || [ "$3" = 0 ]; } || return 0
    [ "$3" -lt 256 ] || { printf 'n\0deep\0%s\0' "$2"; return 0; }
    flush
    (
        entered=
        { on_target 3 && [ -d /proc/self/fd/3 ] && cd -P /proc/self/fd/3 && entered=yes; } \
            2>/dev/null 3<"./$1"
        [ -n "$entered" ] || { printf 'n\0unreadable\0%s\0' "$2"; exit 0; }
        walk "${2:+$2/}" $(($3 + 1))
    )
}

# queue NAME REL FIELDS: a regular file whose bytes go in the next tar (batch), $most at most.
queue() {
    queued=$((queued + 1))
    eval "b$queued=\$1 r$queued=\$2 f$queued=\$3"
    [ "$queued" -lt "$most" ] || flush
}

# flush: the queued files, opened on descriptors from 3 on; if one cannot be opened, each
# file is sent on its own.
flush() {
    [ "$queued" -gt 0 ] || return 0
    redirections='' i=0
    while [ "$i" -lt "$queued" ]; do
        i=$((i + 1))
        redirections="$redirections $((i + 2))<\"./\$b$i\""
    done
    batched=''
    eval "{ batched=yes; tarred; } 2>/dev/null $redirections"
    i=0
    while [ -z "$batched" ] && [ "$i" -lt "$queued" ]; do
        i=$((i + 1))
        eval "set -- \"\$b$i\" \"\$r$i\" \"\$f$i\""
        printf 'e\0f\0%s\0%s\0\0' "$3" "$2"
        # shellcheck disable=SC2086
        set -- "$1" $3
        file "$1" "$6"
    done
    queued=0
}

# tarred: the queued files' records, each checked as file checks it ("t": its bytes are in the
# tar that follows "T"), then one tar of those that passed, read through /proc/self/fd: tar
# opens the very files checked (-h follows the descriptors' links to them).
tarred() {
    i=0 list=''
    while [ "$i" -lt "$queued" ]; do
        i=$((i + 1))
        eval "set -- \"\$r$i\" \"\$f$i\""
        printf 'e\0f\0%s\0%s\0\0' "$2" "$1"
        if on_target $((i + 2)) && [ -f /proc/self/fd/$((i + 2)) ]; then
            printf 't\0'
            list="$list /proc/self/fd/$((i + 2))"
        else
            printf 'changed\0'
        fi
    done
    [ -n "$list" ] || return 0
    printf 'T\0'
    # shellcheck disable=SC2086
    tar -chf - $list 2>/dev/null
}

# walk PREFIX DEPTH: the entries of the current directory, whose path under PATH is PREFIX.
# With stat, one stat reads them all (one line each, no name in it); if one is gone by then,
# each entry is read on its own.
walk() {
    prefix=$1 depth=$2
    if [ "$all" = 1 ]; then
        set -- ./* ./.[!.]* ./..?*
    else
        set -- ./*
    fi
    count=$#
    for name do
        if [ -e "$name" ] || [ -L "$name" ]; then set -- "$@" "$name"; fi
    done
    shift "$count"
    stats=
    if [ "$meta" = stat ] && [ "$#" -gt 0 ]; then
        stats=$(stat -c '%f %h %u %g %s %Y' "$@" 2>/dev/null) || stats=
    fi
    {
        for name do
            line=
            [ -z "$stats" ] || IFS= read -r line <&4
            name=${name#./}
            entry "$name" "$prefix$name" "$depth" "$line"
        done
    } 4<<EOF
$stats
EOF
    flush
}

shown=${resolved:-/}
name=${resolved##*/}
[ -e "$root$resolved" ] || [ -L "$root$resolved" ] || refuse not-found "$shown"
opened='' entered=''
{ opened=yes; on_target 3 && [ -d /proc/self/fd/3 ] && cd -P /proc/self/fd/3 && entered=yes; } \
    2>/dev/null 3<"$root${resolved%/*}/"
[ -n "$opened" ] || refuse permission "$shown"
[ -n "$entered" ] || refuse changed "$shown"
# The listing, in blocks of 128 KiB where dd can gather them (each write is a message of the
# exec stream: thousands of small ones cost seconds).
listing() {
    printf 'pidshare-tree\0%s\0%s\0%s\0' "$meta" "$content" "$resolved"
    if [ "$mode" = ls ]; then
        for table in passwd group; do
            printf 'u\0%s\0' "$table"
            if [ -f "$root/etc/$table" ] && [ -r "$root/etc/$table" ]; then
                # shellcheck disable=SC3045
                (ulimit -t 1; ulimit -v 65536; exec grep -ao -m 2000 \
                    -E '^[^:[:cntrl:]]{1,256}:[^:[:cntrl:]]{0,256}:[0-9]{1,10}:' "$root/etc/$table") \
                    2>/dev/null
            fi
            printf '\0'
        done
    fi
    entry "${name:-.}" '' 0
    flush
    printf 'z\0'
}
if [ -n "$dd" ]; then
    listing | dd ibs=65536 obs=131072 2>/dev/null
else
    listing
fi
