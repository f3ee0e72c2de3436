# Shared settings and helpers for tests/cluster/{up,down,kubeconfig-for}. Sourced, not run.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings below are used by the scripts that source this file
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/versions"

STATE=${PIDSHARE_STATE:-/var/lib/pidshare-cluster}
PKI=$STATE/pki
LOGS=$STATE/logs
RUN=$STATE/run
NODE=localhost
CONTAINERD_SOCK=$RUN/containerd.sock
ADMIN_KUBECONFIG=$STATE/admin.kubeconfig

# name port: every component binds 127.0.0.1
PORT_etcd=2379
PORT_etcd_peer=2380
PORT_registry=5000
PORT_apiserver=6443
PORT_controller_manager=10257
PORT_scheduler=10259
PORT_kubelet=10250
PORT_kubelet_healthz=10248

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

pid_of() { local f=$RUN/$1.pid; [ -f "$f" ] && cat "$f"; }

# A component runs if its recorded pid is alive, not a zombie, and still that component.
running() {
    local pid state
    pid=$(pid_of "$1") || return 1
    [ -n "$pid" ] && state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) && [ "$state" != Z ] \
        && grep -qaF -- "$1" "/proc/$pid/cmdline" 2>/dev/null
}

# Stop one component by its pid file, politely then firmly.
stop() {
    local name=$1 pid
    pid=$(pid_of "$name") || return 0
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "stopping $name (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/$name.pid"
}
