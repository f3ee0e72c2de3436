# pidshare ps probe: every process of the PID namespace it runs in. It takes no argument,
# so it can run while the Pod is still being fetched.
# Output, in two parts:
# 1. NUL-terminated records: "pidshare-probe:<pid of this shell>", then what `grep -aHz ''`
#    prints: each NUL-separated piece of each file prefixed with the file's real name, so no
#    content can pass for another file or process (command lines, stat lines and
#    /etc/passwd hold anything); then the record "pidshare-lines".
# 2. Lines of kernel-escaped text, each prefixed with its file's name by `grep -H`: the status
#    fields used (fixed strings: busybox's regex grep is ten times slower; a field's name is
#    what precedes the first colon of its line), the cgroup line of each process (`cgroup_line`,
#    see runner.py), btime.
# A process is listed if all its files were read: one that comes or goes mid-scan is not.
cd /proc || exit 1
command -v grep >/dev/null 2>&1 || exit 127
cgroups=$(cgroup_line [0-9]*/cgroup)
printf 'pidshare-probe:%s\0' "$$"
grep -aHz '' [0-9]*/cmdline [0-9]*/stat 2>/dev/null
# Each cgroup's users (one cgroup a container), from /etc/passwd as one of its processes sees
# it: this shell first, for its own container, then up to five others. The file is the
# container's to make: only a regular file is opened (a FIFO would block, a device never end),
# and only its first MiB is read; it is printed as `grep -aHz ''` would, without its NULs.
mine=$(printf '%s\n' "$cgroups" | grep -e "^$$/cgroup:")
printf '%s\n' "$cgroups" | cut -d: -f2- | sort -u | while IFS= read -r group; do
    { [ "${mine#*/cgroup:}" = "$group" ] && echo "$$/"
      printf '%s\n' "$cgroups" | grep -F -- ":$group" | head -n 5; } |
    while IFS=/ read -r pid _; do
        passwd=$pid/root/etc/passwd
        [ -f "$passwd" ] && [ -r "$passwd" ] || continue
        printf '%s:' "$passwd"
        head -c 1048576 "$passwd" 2>/dev/null | tr -d '\000'
        printf '\0'
        break
    done
done
printf 'pidshare-lines\0'
grep -H -F -e Name: -e State: -e PPid: -e Uid: -e Threads: -e VmRSS: -e SigBlk: -e SigIgn: \
    -e SigCgt: [0-9]*/status 2>/dev/null
printf '%s\n' "$cgroups"
grep -H '^btime ' stat
exit 0
