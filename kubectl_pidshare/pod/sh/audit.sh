# pidshare audit: for every process, its status file whole (Uid, CapEff) and its environment
# where this container may read it (ptrace-read access), each as `grep -aHz ''` prints it: one
# NUL-terminated record per file (status) or per variable (environ), prefixed with the file's
# real name, so no content can pass for another file or process. At most 512 variables a
# process. In a subshell: runner.py runs the ps probe (probe.sh) right after it, in the same
# exec, and the probe's own records follow these.
(
    cd /proc || exit 1
    grep -aHz '' [0-9]*/status 2>/dev/null
    grep -aHz -m 512 '' [0-9]*/environ 2>/dev/null
)
