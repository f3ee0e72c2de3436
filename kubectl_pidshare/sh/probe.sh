# pidshare ps probe. $1...: the Pod's container IDs (never part of this text).
# Output: NUL-terminated records. The first is "pidshare-probe:<pid of this shell>"; every
# other one comes from `grep -aHz ''`, which prefixes each NUL-separated piece of each file
# with the file's real name, so no content can pass for another file or another process.
# cmdline is read first: a process that exits mid-scan then lacks stat and is left out.
cd /proc || exit 1
command -v grep >/dev/null 2>&1 || exit 127
printf 'pidshare-probe:%s\0' "$$"
grep -aHz '' stat [0-9]*/cmdline [0-9]*/cgroup [0-9]*/stat [0-9]*/status 2>/dev/null
# Each container's users, from /etc/passwd as one of its processes (this shell first) sees it.
for id do
    for f in "$$/cgroup" $(grep -l -F -- "$id" [0-9]*/cgroup 2>/dev/null | head -n 5); do
        grep -qF -- "$id" "$f" 2>/dev/null \
            && grep -aHz '' "${f%/cgroup}/root/etc/passwd" 2>/dev/null && break
    done
done
exit 0
