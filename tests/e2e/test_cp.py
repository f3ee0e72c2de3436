"""`kubectl pidshare ls` and `kubectl pidshare cp` against the real cluster: the nginx image
(no tar: `kubectl cp` fails on it) copied from a runner with busybox and from nginx itself,
a 200 MiB file, hostile names, a racing target, a distroless Pod."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kubectl_pidshare.cat import CatOptions
from kubectl_pidshare.cluster.configflags import ConfigFlags
from kubectl_pidshare.cp import CpOptions, cp
from kubectl_pidshare.errors import PidshareError
from kubectl_pidshare.pod.aim import Aim
from kubectl_pidshare.session import connect
from kubectl_pidshare.status import ExitStatus

from .harness import MANIFESTS, Cluster, Namespace, fresh_namespace

# container/NAME is found by attribution, which depends on the cgroup namespace mode.
pytestmark = pytest.mark.cgroupns

BIG = 200 * 1024 * 1024
RUNNERS = ("shell", "nginx")  # busybox (stat, head, tar), and the nginx image (GNU ls, head)
# What the test adds to the image's /etc/nginx (from the shell container: the nginx image has
# no ln, chmod or touch): links (one out of the root), a mode, an mtime.
MASTER = ("r=$(for p in /proc/[0-9]*; do case $(cat $p/cmdline) in 'nginx: master'*) "
          "echo $p/root;; esac; done 2>/dev/null); ")
EXTRA = (MASTER + "ln -s ../mime.types $r/etc/nginx/conf.d/types; "
         "ln -s /etc/passwd $r/etc/nginx/passwd; chmod 640 $r/etc/nginx/conf.d/default.conf; "
         "touch -d '2009-02-13 23:31:30' $r/etc/nginx/nginx.conf")
HOSTILE = (
    "mkdir -p /h/d && cd /h && printf 'one' > \"$(printf 'new\\nline')\" && "
    "printf 'two' > \"$(printf 'bad\\377\\376')\" && printf '3' > \"$(printf '\\033[31mred')\" && "
    "printf 'four' > ./-rf && printf 'five' > '...' && printf 'six' > d/f && "
    "ln -s ../../../../.. up && ln -s /etc/shadow abs && mkfifo fifo && "
    "printf 'hard' > h1 && ln h1 h2 && mknod null c 1 3"
)


@pytest.fixture(scope="module")
def ns(cluster: Cluster) -> Iterator[Namespace]:
    """The seed Pod (nginx, busybox shell), with links and modes added to /etc/nginx and
    hostile names under the shell container's /h; the trap Pod (its racer)."""
    with fresh_namespace(cluster, "cp") as made:
        made.apply(MANIFESTS / "trap.yaml")
        made.apply(MANIFESTS / "sh-grep.yaml")
        made.apply(MANIFESTS / "share-process-namespace.yaml",
                   wait_for=("nginx", "trap", "shgrep"))
        made.kubectl("exec", "nginx", "-c", "shell", "--", "sh", "-c", EXTRA)
        made.kubectl("exec", "nginx", "-c", "shell", "--", "sh", "-c", HOSTILE)
        yield made


def ls_image(ns: Namespace) -> dict[str, tuple[str, int, int, str]]:
    """path under /etc/nginx -> (mode text, size, mtime, link text), as the nginx container's
    own `ls -l` says (names are plain here)."""
    text = ns.kubectl("exec", "nginx", "-c", "nginx", "--", "ls", "-lnRa", "--time-style=+%s",
                      "/etc/nginx").stdout.decode()
    found, folder = {}, ""
    for line in text.splitlines():
        if line.endswith(":"):
            folder = line[len("/etc/nginx"):-1].lstrip("/")
            continue
        words = line.split(None, 6)
        if len(words) < 7 or words[6] in (".", ".."):
            continue
        name, _, link = words[6].partition(" -> ")
        found[f"{folder}/{name}".lstrip("/")] = (words[0], int(words[4]), int(words[5]), link)
    return found


def ls_local(top: Path) -> dict[str, tuple[str, int, int, str]]:
    """The same for the local copy (a link's size is its text's length, as ls says)."""
    found = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            link = os.readlink(path) if path.is_symlink() else ""
            found[str(path.relative_to(top))] = (stat.filemode(info.st_mode), info.st_size,
                                                 int(info.st_mtime), link)
    return found


@pytest.mark.parametrize("runner", RUNNERS)
def test_cp_of_etc_nginx_equals_the_image_files(ns: Namespace, tmp_path: Path,
                                                runner: str) -> None:
    copy = tmp_path / "nginx"
    proc = ns.pidshare("cp", "nginx", "container/nginx", "/etc/nginx", str(copy),
                       "--exec-container", runner)
    assert proc.stderr.decode().splitlines()[1:] == []
    image = ls_image(ns)
    local = ls_local(copy)
    assert {k: v for k, v in local.items() if not v[3]} == {
        k: v for k, v in image.items() if not v[3] and not v[0].startswith("d")} | {
        k: (v[0], local[k][1], v[2], "") for k, v in image.items() if v[0].startswith("d")}
    assert {k: v[3] for k, v in local.items() if v[3]} == {
        "conf.d/types": "../mime.types", "passwd": "/etc/passwd"}
    for name, (mode, _, _, _) in image.items():
        if mode.startswith("-"):
            direct = ns.kubectl("exec", "nginx", "-c", "nginx", "--", "cat",
                                f"/etc/nginx/{name}").stdout
            assert (copy / name).read_bytes() == direct, name
    listed = json.loads(ns.pidshare("ls", "nginx", "container/nginx", "/etc/nginx", "-R", "-a",
                                    "-o", "json", "--exec-container", runner).stdout)
    assert {f["name"]: (f["modeText"], f["size"], f["target"] or "") for f in listed["files"]} == {
        k: (v[0], v[1], v[3]) for k, v in image.items()}
    assert {f["name"]: f["user"] for f in listed["files"]} == dict.fromkeys(image, "root")


def test_kubectl_cp_fails_on_the_nginx_image(ns: Namespace, tmp_path: Path) -> None:
    proc = ns.kubectl("cp", "nginx:/etc/nginx", str(tmp_path / "k"), "-c", "nginx", check=False)
    assert proc.returncode != 0 and b"tar" in proc.stderr, proc.stderr
    assert not (tmp_path / "k" / "nginx.conf").exists()


def test_ls_long_format_agrees_with_the_image(ns: Namespace) -> None:
    proc = ns.pidshare("ls", "nginx", "container/nginx", "/etc/nginx")
    lines = proc.stdout.decode().splitlines()
    assert [line.split()[0] for line in lines] == ["drwxr-xr-x", "-rw-r--r--", "-rw-r--r--",
                                                   "lrwxrwxrwx"]
    assert lines[-1].endswith(" passwd -> /etc/passwd") and " root root " in lines[1]


def test_a_200_mib_file_copies_byte_exact_in_bounded_memory(ns: Namespace,
                                                             tmp_path: Path) -> None:
    ns.kubectl("exec", "nginx", "-c", "nginx", "--", "sh", "-c",
               f"head -c {BIG} /dev/urandom > /tmp/big")
    expected = ns.kubectl("exec", "nginx", "-c", "shell", "--", "sh", "-c",
                          MASTER + "sha256sum $r/tmp/big").stdout.split()[0].decode()
    measure = ("import resource, subprocess, sys\n"
               "rc = subprocess.call(sys.argv[1:])\n"
               "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    for runner in RUNNERS:
        target = tmp_path / runner
        proc = ns.cluster.run(sys.executable, "-c", measure, "kubectl", "pidshare", "-n",
                              ns.name, "cp", "nginx", "container/nginx", "/tmp/big", str(target),
                              "--exec-container", runner)
        status, peak_kib = proc.stdout.decode().split()
        assert int(status) == 0, (runner, proc.stderr.decode(errors="replace"))
        digest = hashlib.sha256()
        with target.open("rb") as copied:
            for chunk in iter(lambda: copied.read(1 << 20), b""):
                digest.update(chunk)
        assert digest.hexdigest() == expected
        assert int(peak_kib) < 100 * 1024, f"peak memory {int(peak_kib) // 1024} MiB"


def test_hostile_names_land_below_local_or_are_refused(ns: Namespace, tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.mkdir()
    copy = box / "copy"
    proc = ns.pidshare("cp", "nginx", "container/shell", "/h", str(copy), check=False)
    said = proc.stderr.decode()
    assert proc.returncode == 0, said
    assert os.listdir(box) == ["copy"]
    assert sorted(os.listdir(os.fsencode(copy))) == sorted([
        b"new\nline", b"bad\xff\xfe", b"\x1b[31mred", b"-rf", b"...", b"d", b"up", b"abs"])
    assert [(copy / os.fsdecode(n)).read_bytes() for n in (b"new\nline", b"bad\xff\xfe")] == [
        b"one", b"two"]
    assert (os.readlink(copy / "up"), os.readlink(copy / "abs")) == ("../../../../..",
                                                                     "/etc/shadow")
    for name, why in (("fifo", "special"), ("null", "special"), ("h1", "hard link"),
                      ("h2", "hard link")):
        assert f"cp: /h/{name}: a {why}" in said, said
    listed = ns.pidshare("ls", "nginx", "container/shell", "/h").stdout.decode()
    assert " new\\nline\n" in listed and " bad\\xff\\xfe\n" in listed
    assert " \\x1b[31mred\n" in listed and "\x1b" not in listed

    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(copy / "d")
    (copy / "d").symlink_to(outside)
    again = ns.pidshare("cp", "nginx", "container/shell", "/h", str(copy), "--force",
                        check=False)
    assert again.returncode == ExitStatus.INCOMPLETE
    assert os.listdir(outside) == []
    assert "cp: /h/d/f: not copied" in again.stderr.decode(), again.stderr


def test_dash_streams_a_tar_archive(ns: Namespace, tmp_path: Path) -> None:
    proc = ns.pidshare("cp", "nginx", "container/nginx", "/etc/nginx", "-")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        members = {m.name: m for m in archive.getmembers()}
        conf = archive.extractfile(members["nginx/nginx.conf"])
        assert conf is not None
        direct = ns.kubectl("exec", "nginx", "-c", "nginx", "--", "cat",
                            "/etc/nginx/nginx.conf").stdout
        assert conf.read() == direct
    assert members["nginx/passwd"].linkname == "/etc/passwd"
    assert members["nginx/nginx.conf"].mtime == 1234567890


def test_cp_from_a_container_with_only_sh_and_grep(ns: Namespace, tmp_path: Path) -> None:
    """pidshare/sh-grep:1 has no stat, ls, head or readlink: the bytes come file by file
    through cat's script, modes and mtimes are not kept, and it says so."""
    tools = ("--exec-container", "tools")
    proc = ns.pidshare("cp", "shgrep", "container/nginx", "/etc/nginx", str(tmp_path / "c"),
                       *tools)
    assert proc.stderr.decode().splitlines()[1:] == [
        'container "tools" has no stat or ls: modes and mtimes are not kept, files are 0644 '
        "and directories 0755"]
    names = sorted(str(path.relative_to(tmp_path / "c")) for path in (tmp_path / "c").rglob("*"))
    assert names == ["conf.d", "conf.d/default.conf", "mime.types", "nginx.conf"]
    streamed = ns.pidshare("cp", "shgrep", "container/nginx", "/etc/nginx", "-", *tools).stdout
    with tarfile.open(fileobj=io.BytesIO(streamed)) as archive:
        for name in names[1:]:
            direct = ns.kubectl("exec", "shgrep", "-c", "nginx", "--", "cat",
                                f"/etc/nginx/{name}").stdout
            member = archive.extractfile(f"nginx/{name}")
            assert member is not None and member.read() == direct
            assert (tmp_path / "c" / name).read_bytes() == direct
            assert stat.S_IMODE((tmp_path / "c" / name).stat().st_mode) == 0o644


def _race_cp(env: dict[str, str], namespace: str, pid: int, into: Path) -> str:
    """One cp of /race through the real transport: each file copied with its bytes, or the
    error."""
    transport = connect(ConfigFlags(namespace=namespace), env)
    try:
        cp(transport, CpOptions(CatOptions("trap", Aim(pid=pid), "/race"), str(into)),
           io.BytesIO(), io.BytesIO())
    except PidshareError as exc:
        if exc.status != ExitStatus.INCOMPLETE:
            return f"{exc.status}"
    found = []
    for folder, dirs, files in os.walk(into):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            shown = os.readlink(path) if path.is_symlink() else (
                "dir" if path.is_dir() else path.read_text().strip())
            found.append(f"{path.relative_to(into)}={shown}")
    return " ".join(found)


def test_a_racing_target_cannot_make_cp_read_outside_its_root(ns: Namespace,
                                                             tmp_path: Path) -> None:
    """The racer moves /race/d to /race/dir and puts a link to / in its place, and back; the
    runner's own /f says OUTSIDE-RUNNER, the racer's /f TARGET-ROOT. 200 copies, four at a
    time: d and dir are a directory holding f=TARGET, or a link to /, or not copied; never
    a file from elsewhere."""
    document = json.loads(ns.pidshare("ps", "trap", "-c", "racer", "-o", "json").stdout)
    pid = min(p["pid"] for p in document["processes"])
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(
            lambda n: _race_cp(ns.cluster.env, ns.name, pid, tmp_path / str(n)), range(200)))
    seen = Counter(item for outcome in outcomes for item in outcome.split())
    assert set(seen) <= {"d=dir", "d/f=TARGET", "d=/", "dir=dir", "dir/f=TARGET"}, seen
    assert seen["d/f=TARGET"] + seen["dir/f=TARGET"] > 0 and seen["d=/"] > 0, seen


def test_a_distroless_pod_with_debug_image(cluster: Cluster, tmp_path: Path) -> None:
    """The distroless Pod, its uid set per container: the Pod-wide runAsUser would also make
    the general profile's debug container run as 65532, which runc's undumpable processes
    refuse (see test_debugging)."""
    manifest = (MANIFESTS / "distroless.yaml").read_text()
    manifest = manifest.replace("    runAsNonRoot: true\n    runAsUser: 65532\n", "").replace(
        "      allowPrivilegeEscalation: false\n",
        "      allowPrivilegeEscalation: false\n      runAsUser: 65532\n      runAsNonRoot: true\n")
    with fresh_namespace(cluster, "cp-bare") as bare:
        bare.apply(manifest, wait_for=("bare",))
        debug = ("--debug-image", "busybox:1.28", "--debug-profile", "general")
        listed = bare.pidshare("ls", "bare", "container/app", "/", *debug).stdout.decode()
        assert any(line.startswith("-rwxr-xr-x") and line.endswith(" sleeper")
                   for line in listed.splitlines()), listed
        bare.pidshare("cp", "bare", "container/app", "/etc", str(tmp_path / "etc"), *debug)
        assert (tmp_path / "etc" / "passwd").read_text().startswith("root:x:0:0:")
        assert sorted(os.listdir(tmp_path / "etc")) == [  # the kubelet's mounts, and the image's
            "group", "hostname", "hosts", "passwd", "resolv.conf"]
        assert subprocess.run(["kubectl", "-n", bare.name, "cp", "bare:/etc", str(tmp_path / "k"),
                               "-c", "app"], env=cluster.env, capture_output=True,
                              check=False).returncode != 0


def test_a_pod_deleted_mid_copy_leaves_no_half_file(cluster: Cluster, tmp_path: Path) -> None:
    """The trap's 1 GiB sparse file, the Pod deleted once the copy is under way: the copy says
    what is missing, exits non-zero, and leaves no file under its name (nor its temporary)."""
    with fresh_namespace(cluster, "cp-victim") as ns:
        ns.apply((MANIFESTS / "trap.yaml").read_text().replace("name: trap", "name: victim"),
                 wait_for=("victim",))
        local = tmp_path / "copy"
        local.mkdir()
        proc = subprocess.Popen(["kubectl", "pidshare", "-n", ns.name, "cp", "victim",
                                 "container/files", "/data/sparse", str(local)],
                                env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while sum(path.stat().st_size for path in local.iterdir()) < 8 << 20:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.1)
        ns.kubectl("delete", "pod", "victim", "--grace-period=1", "--wait=false")
        _, err = proc.communicate(timeout=120)
        said = err.decode()
        assert proc.returncode not in (0, None), said
        assert "cp: /data/sparse: not copied: the copy stopped while it was read" in said, said
        assert os.listdir(local) == []
