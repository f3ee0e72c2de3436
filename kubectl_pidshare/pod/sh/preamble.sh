refuse() { printf 'pidshare: %s %s\n' "$1" "$2" >&2; exit 99; }
cgroup_line() { grep -H -m1 -E '[0-9a-f]{64}|^0::' "$@" 2>/dev/null; }
# shellcheck disable=SC2046
creds() { set -- $(grep -e '^Uid:' -e '^Gid:' -e '^CapEff:' "/proc/$1/status" 2>/dev/null); printf '%s/%s/%s' "${3:-?}" "${8:-?}" "${12:-?}"; }
read -r _ _ _ _ group _ <"/proc/$$/stat"
[ "$group" = "$$" ] && group=0 || group=$$
exec 5<&0
{ while read -r _; do :; done; kill -KILL "$group"; } <&5 >/dev/null 2>&1 &
watcher=$!
exec 5<&-
trap 'kill "$watcher" 2>/dev/null' EXIT
