#!/usr/bin/env python3
"""Build the test cluster's container images from this Debian host and push them.

No image is downloaded from any registry: every image is assembled here from
files of installed Debian packages (busybox-static, nginx-light, dash, grep,
coreutils), the files under ``tests/cluster/images/`` (nginx's configuration and
pages) and the small C programs there compiled with ``gcc -static``, and pushed
over plain HTTP to a local registry (``docker-registry`` on 127.0.0.1:5000):

- ``library/busybox:1.28``: static busybox with a symlink for every applet.
- ``library/nginx:latest``: Debian's nginx and the shared libraries it links,
  laid out like the official image (config, users, log symlinks), with dash,
  grep, cat, sort and head but no ``ps``.
- ``pidshare/shell-nops:1``: busybox without ps, top, pgrep, pkill, pidof.
- ``pidshare/sh-grep:1``: dash as sh and GNU grep, with the libraries they
  link, and nothing else: what pidshare's scripts may count on in a runner
  container. (Not busybox: Debian's busybox runs every applet from its shell,
  whatever the image links.)
- ``pidshare/distroless:1``: one static program that sleeps until SIGTERM.
- ``pidshare/listen:1``: one static program that opens the TCP, UDP and unix
  sockets (and connections) its arguments name and holds them.
- ``pause:3.10``: a static pause program, standing in for
  registry.k8s.io/pause:3.10.

Every image is one gzip layer written deterministically (sorted entries,
mtime 0, root ownership unless stated, gzip mtime 0), so its manifest digest
is known before any network traffic and an image whose tag already points at
that digest is not pushed again. Progress goes to stderr, nothing to stdout.

Usage: python3 tests/cluster/images.py --registry 127.0.0.1:5000 [--only NAME ...]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
EPOCH = "1970-01-01T00:00:00Z"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
GZIP_LEVEL = 6
HTTP_TIMEOUT = 60

BUSYBOX = "/bin/busybox"
NO_PS_APPLETS = frozenset({"ps", "top", "pgrep", "pkill", "pidof"})
NGINX = "/usr/sbin/nginx"
NGINX_UID = 101
NGINX_EXTRA_BINARIES = (
    "/bin/dash",
    "/bin/grep",
    "/bin/cat",
    "/usr/bin/sort",
    "/usr/bin/head",
    "/usr/bin/tail",
    "/usr/bin/cut",
    "/usr/bin/readlink",
    "/usr/bin/wc",
    "/usr/bin/od",
    "/usr/bin/env",
    "/bin/ls",
    "/bin/sleep",
)

NGINX_FILES = {  # FILES/nginx/NAME: where the nginx image holds it
    "nginx.conf": "/etc/nginx/nginx.conf",
    "default.conf": "/etc/nginx/conf.d/default.conf",
    "index.html": "/usr/share/nginx/html/index.html",
    "50x.html": "/usr/share/nginx/html/50x.html",
    "nsswitch.conf": "/etc/nsswitch.conf",
}
# The files the images hold that no Debian package provides, and the C programs' sources.
FILES = Path(__file__).resolve().parent / "images"


class ImageError(Exception):
    """A build or push step failed; the message says which and why."""


def log(message: str) -> None:
    """Write one progress line to stderr."""
    print(f"images: {message}", file=sys.stderr, flush=True)


def run(argv: list[str], cwd: Path | None = None, with_stderr: bool = False) -> str:
    """Run a command, return its stdout (and stderr); raise ImageError on failure."""
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError as err:
        raise ImageError(f"cannot run {argv[0]}: {err}") from err
    if done.returncode != 0:
        raise ImageError(
            f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}"
        )
    return done.stdout + done.stderr if with_stderr else done.stdout


def sha256_digest(data: bytes) -> str:
    """Return the OCI digest string of some bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(document: dict[str, Any]) -> bytes:
    """Serialize a JSON document the same way every time."""
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


# --------------------------------------------------------------------------
# Root file systems


@dataclass(frozen=True)
class Entry:
    """One file system entry of an image: a directory, a file or a symlink."""

    kind: str
    mode: int = 0o755
    uid: int = 0
    gid: int = 0
    data: bytes = b""
    target: str = ""


@dataclass
class Tree:
    """An in-memory root file system, keyed by path relative to /."""

    entries: dict[str, Entry] = field(default_factory=dict)

    @staticmethod
    def key(path: str) -> str:
        """Normalize an absolute image path into an entry key."""
        key = posixpath.normpath("/" + path).lstrip("/")
        if not key:
            raise ImageError("the root directory cannot be an entry")
        return key

    def _parents(self, key: str) -> None:
        """Create missing parent directories, refusing to go through a non-directory."""
        parent = posixpath.dirname(key)
        if not parent:
            return
        existing = self.entries.get(parent)
        if existing is None:
            self._parents(parent)
            self.entries[parent] = Entry("dir")
        elif existing.kind != "dir":
            raise ImageError(f"/{parent} is a {existing.kind}, cannot hold /{key}")

    def _put(self, path: str, entry: Entry) -> None:
        """Add or replace one entry, checking that kinds do not clash."""
        key = self.key(path)
        old = self.entries.get(key)
        if old is not None and old.kind != entry.kind:
            raise ImageError(f"/{key} is already a {old.kind}, not a {entry.kind}")
        self._parents(key)
        self.entries[key] = entry

    def mkdir(self, path: str, mode: int = 0o755, uid: int = 0, gid: int = 0) -> None:
        """Add a directory."""
        self._put(path, Entry("dir", mode, uid, gid))

    def write(self, path: str, data: bytes | str, mode: int = 0o644) -> None:
        """Add a regular file owned by root."""
        raw = data.encode() if isinstance(data, str) else data
        self._put(path, Entry("file", mode, data=raw))

    def symlink(self, path: str, target: str) -> None:
        """Add a symbolic link."""
        self._put(path, Entry("symlink", 0o777, target=target))

    def copy(self, host_path: str, path: str | None = None) -> None:
        """Add a host file (following symlinks) with its permission bits."""
        source = Path(host_path)
        self.write(
            path or host_path, source.read_bytes(), source.stat().st_mode & 0o7777
        )

    def tar(self) -> bytes:
        """Serialize the tree as a reproducible, uncompressed tar archive."""
        buffer = io.BytesIO()
        with tarfile.open(
            fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT
        ) as archive:
            for key in sorted(self.entries):
                entry = self.entries[key]
                info = tar_info(key, entry)
                archive.addfile(
                    info, io.BytesIO(entry.data) if entry.kind == "file" else None
                )
        return buffer.getvalue()


def tar_info(key: str, entry: Entry) -> tarfile.TarInfo:
    """Return the tar header of one entry, with mtime 0 and numeric owners only."""
    info = tarfile.TarInfo(key)
    info.mtime = 0
    info.mode = entry.mode
    info.uid, info.gid = entry.uid, entry.gid
    info.uname = info.gname = ""
    if entry.kind == "dir":
        info.type = tarfile.DIRTYPE
    elif entry.kind == "symlink":
        info.type = tarfile.SYMTYPE
        info.linkname = entry.target
    else:
        info.size = len(entry.data)
    return info


def add_host_path(tree: Tree, host_path: str, depth: int = 0) -> None:
    """Copy a host file to the same path, reproducing each symlink met on the way.

    On a merged-/usr host, /lib64/ld-linux-x86-64.so.2 becomes the symlinks
    /lib64 -> usr/lib64 and /usr/lib64/ld-linux-x86-64.so.2 -> /lib/..., the
    symlink /lib -> usr/lib and the real file under /usr/lib, as on the host.
    """
    if depth > 40:
        raise ImageError(f"too many levels of symbolic links at {host_path}")
    parts = Path(host_path).parts[1:]
    current = "/"
    for index, part in enumerate(parts):
        current = posixpath.join(current, part)
        if os.path.islink(current):
            target = os.readlink(current)
            tree.symlink(current, target)
            resolved = posixpath.normpath(
                posixpath.join(posixpath.dirname(current), target)
            )
            add_host_path(
                tree, posixpath.join(resolved, *parts[index + 1 :]), depth + 1
            )
            return
    tree.copy(host_path)


def shared_libraries(binary: str) -> list[str]:
    """Return the paths of the libraries and the loader that ldd lists for a binary."""
    paths = []
    for line in run(["ldd", binary]).splitlines():
        if "not found" in line:
            raise ImageError(f"{binary}: missing library: {line.strip()}")
        match = re.search(r"(/\S+) \(0x[0-9a-f]+\)$", line.strip())
        if match:
            paths.append(match.group(1))
    return paths


def check_static_amd64(path: str) -> None:
    """Raise ImageError unless path is an x86-64 ELF file with no interpreter."""
    with open(path, "rb") as binary:
        header = binary.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
            raise ImageError(f"{path} is not a 64-bit little-endian ELF file")
        machine = struct.unpack_from("<H", header, 18)[0]
        phoff = struct.unpack_from("<Q", header, 32)[0]
        phentsize, phnum = struct.unpack_from("<HH", header, 54)
        binary.seek(phoff)
        table = binary.read(phentsize * phnum)
    if machine != 62:
        raise ImageError(f"{path} is not an x86-64 (amd64) binary")
    for index in range(phnum):
        if struct.unpack_from("<I", table, index * phentsize)[0] == 3:  # PT_INTERP
            raise ImageError(f"{path} is dynamically linked; a static binary is needed")


def compile_static(name: str, work: Path) -> bytes:
    """Compile FILES/NAME.c with gcc -static into a stripped, reproducible binary."""
    (work / f"{name}.c").write_bytes((FILES / f"{name}.c").read_bytes())
    run(["gcc", "-static", "-O2", "-s", "-o", name, f"{name}.c"], cwd=work)
    check_static_amd64(str(work / name))
    return (work / name).read_bytes()


# --------------------------------------------------------------------------
# The images


def base_dirs(tree: Tree) -> None:
    """Add the directories every image with a shell has."""
    for path in ("/dev", "/proc", "/sys", "/etc", "/home"):
        tree.mkdir(path)
    tree.mkdir("/tmp", 0o1777)
    tree.mkdir("/root", 0o700)


def users(tree: Tree, passwd: list[str], group: list[str]) -> None:
    """Write /etc/passwd and /etc/group from their lines."""
    tree.write("/etc/passwd", "".join(line + "\n" for line in passwd))
    tree.write("/etc/group", "".join(line + "\n" for line in group))


def busybox_applets() -> list[str]:
    """Return the applet paths (relative to /) that `busybox --list-full` prints."""
    check_static_amd64(BUSYBOX)
    return sorted(
        {
            line.strip()
            for line in run([BUSYBOX, "--list-full"]).splitlines()
            if line.strip()
        }
    )


def busybox_tree(leave_out: frozenset[str] = frozenset()) -> Tree:
    """Return static busybox with a symlink per listed applet, less leave_out."""
    tree = Tree()
    base_dirs(tree)
    tree.copy(BUSYBOX, "/bin/busybox")
    for applet in busybox_applets():
        if (
            "/" + applet != "/bin/busybox"
            and posixpath.basename(applet) not in leave_out
        ):
            tree.symlink("/" + applet, "/bin/busybox")
    return tree


def build_busybox(_work: Path) -> Tree:
    """library/busybox:1.28: busybox with every applet."""
    tree = busybox_tree()
    users(
        tree,
        [
            "root:x:0:0:root:/root:/bin/sh",
            "daemon:x:1:1:daemon:/usr/sbin:/bin/false",
            "nobody:x:65534:65534:nobody:/home:/bin/false",
        ],
        ["root:x:0:", "daemon:x:1:", "nobody:x:65534:"],
    )
    return tree


def build_shell_nops(_work: Path) -> Tree:
    """pidshare/shell-nops:1: busybox without any process-listing applet."""
    tree = busybox_tree(NO_PS_APPLETS)
    users(
        tree,
        [
            "root:x:0:0:root:/root:/bin/sh",
            "app:x:1000:1000:app:/home/app:/bin/sh",
            "nobody:x:65534:65534:nobody:/home:/bin/false",
        ],
        ["root:x:0:", "app:x:1000:", "nobody:x:65534:"],
    )
    tree.mkdir("/home/app", 0o755, 1000, 1000)
    return tree


def nginx_temp_paths() -> list[str]:
    """Return the --http-*-temp-path directories compiled into Debian's nginx."""
    return sorted(
        re.findall(
            r"--http-[a-z-]+-temp-path=(\S+)", run([NGINX, "-V"], with_stderr=True)
        )
    )


def merged_usr_links(tree: Tree) -> None:
    """Copy the host's /bin, /sbin, /lib, /lib64 symlinks into /usr (merged /usr)."""
    for path in ("/bin", "/sbin", "/lib", "/lib64"):
        if os.path.islink(path):
            tree.symlink(path, os.readlink(path))


def add_binaries(tree: Tree, binaries: tuple[str, ...]) -> None:
    """Copy host binaries and everything ldd lists for them, at their host paths."""
    for binary in binaries:
        for path in (binary, *shared_libraries(binary)):
            add_host_path(tree, path)


def nginx_files(tree: Tree) -> None:
    """Add nginx's configuration, web root, users and log symlinks."""
    for name, path in NGINX_FILES.items():
        tree.write(path, (FILES / "nginx" / name).read_bytes())
    tree.copy("/etc/nginx/mime.types")
    users(
        tree,
        [
            "root:x:0:0:root:/root:/bin/sh",
            "nginx:x:101:101:nginx user:/nonexistent:/bin/false",
        ],
        ["root:x:0:", "nginx:x:101:"],
    )
    tree.mkdir("/var/log/nginx")
    tree.symlink("/var/log/nginx/access.log", "/dev/stdout")
    tree.symlink("/var/log/nginx/error.log", "/dev/stderr")


def nginx_runtime_dirs(tree: Tree) -> None:
    """Add /run (and /var/run), the cache dir and the compiled-in temp dirs."""
    tree.mkdir("/run")
    tree.mkdir("/run/lock", 0o1777)
    tree.symlink("/var/run", "/run")
    tree.symlink("/var/lock", "/run/lock")
    tree.mkdir("/var/cache/nginx")
    for path in nginx_temp_paths():
        tree.mkdir(path, 0o700, NGINX_UID, NGINX_UID)


def build_nginx(_work: Path) -> Tree:
    """library/nginx:latest: Debian's nginx, dash, grep, a few coreutils, no ps."""
    tree = Tree()
    base_dirs(tree)
    merged_usr_links(tree)
    add_binaries(tree, (NGINX, *NGINX_EXTRA_BINARIES))
    dash = posixpath.join(os.path.realpath("/bin"), "dash")
    tree.symlink(posixpath.join(posixpath.dirname(dash), "sh"), "dash")
    nginx_files(tree)
    nginx_runtime_dirs(tree)
    return tree


def build_sh_grep(_work: Path) -> Tree:
    """pidshare/sh-grep:1: dash as sh and grep, nothing else."""
    tree = Tree()
    base_dirs(tree)
    merged_usr_links(tree)
    add_binaries(tree, ("/bin/dash", "/bin/grep"))
    dash = posixpath.join(os.path.realpath("/bin"), "dash")
    tree.symlink(posixpath.join(posixpath.dirname(dash), "sh"), "dash")
    users(
        tree,
        ["root:x:0:0:root:/root:/bin/sh", "nobody:x:65534:65534:nobody:/home:/bin/false"],
        ["root:x:0:", "nobody:x:65534:"],
    )
    return tree


def build_distroless(work: Path) -> Tree:
    """pidshare/distroless:1: one static program, no shell, no coreutils."""
    tree = Tree()
    tree.write("/sleeper", compile_static("sleeper", work), 0o755)
    users(
        tree,
        [
            "root:x:0:0:root:/root:/sbin/nologin",
            "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin",
        ],
        ["root:x:0:", "nonroot:x:65532:"],
    )
    tree.mkdir("/tmp", 0o1777)
    tree.mkdir("/root", 0o700)
    tree.mkdir("/home/nonroot", 0o700, 65532, 65532)
    return tree


def build_listen(work: Path) -> Tree:
    """pidshare/listen:1: one static program holding the sockets it is told to open."""
    tree = Tree()
    tree.write("/listen", compile_static("listen", work), 0o755)
    tree.mkdir("/tmp", 0o1777)
    return tree


def build_pause(work: Path) -> Tree:
    """pause:3.10: the static pause program alone."""
    tree = Tree()
    tree.write("/pause", compile_static("pause", work), 0o755)
    return tree


@dataclass(frozen=True)
class Image:
    """One image to build: short name, repository, tag, file tree and config."""

    name: str
    repo: str
    tag: str
    build: Callable[[Path], Tree]
    config: dict[str, object]

    @property
    def ref(self) -> str:
        """Return repo:tag."""
        return f"{self.repo}:{self.tag}"


IMAGES = (
    Image("busybox", "library/busybox", "1.28", build_busybox, {"Cmd": ["sh"]}),
    Image(
        "nginx",
        "library/nginx",
        "latest",
        build_nginx,
        {
            "Cmd": ["nginx", "-g", "daemon off;"],
            "ExposedPorts": {"80/tcp": {}},
            "StopSignal": "SIGQUIT",
        },
    ),
    Image("shell-nops", "pidshare/shell-nops", "1", build_shell_nops, {"Cmd": ["sh"]}),
    Image("sh-grep", "pidshare/sh-grep", "1", build_sh_grep, {"Cmd": ["sh"]}),
    Image(
        "distroless",
        "pidshare/distroless",
        "1",
        build_distroless,
        {"Entrypoint": ["/sleeper"], "WorkingDir": "/"},
    ),
    Image(
        "listen",
        "pidshare/listen",
        "1",
        build_listen,
        {"Entrypoint": ["/listen"], "WorkingDir": "/"},
    ),
    Image(
        "pause",
        "pause",
        "3.10",
        build_pause,
        {"Entrypoint": ["/pause"], "User": "65535:65535", "WorkingDir": "/"},
    ),
)


# --------------------------------------------------------------------------
# OCI documents


@dataclass(frozen=True)
class Built:
    """The blobs and manifest of one built image."""

    layer: bytes
    config: bytes
    manifest: bytes

    @property
    def digest(self) -> str:
        """Return the manifest digest the registry will report for the tag."""
        return sha256_digest(self.manifest)


def image_config(settings: dict[str, object], diff_id: str) -> bytes:
    """Return the OCI image config of a single-layer linux/amd64 image."""
    return canonical_json(
        {
            "architecture": "amd64",
            "os": "linux",
            "created": EPOCH,
            "config": {"Env": [PATH_ENV], **settings},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": EPOCH, "created_by": "tests/cluster/images.py"}],
        }
    )


def descriptor(media_type: str, data: bytes) -> dict[str, object]:
    """Return the OCI descriptor of a blob."""
    return {"mediaType": media_type, "digest": sha256_digest(data), "size": len(data)}


def build(image: Image, work: Path) -> Built:
    """Build an image's layer, config and manifest in memory."""
    tar = image.build(work).tar()
    layer = gzip.compress(tar, compresslevel=GZIP_LEVEL, mtime=0)
    config = image_config(image.config, sha256_digest(tar))
    manifest = canonical_json(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor(OCI_CONFIG, config),
            "layers": [descriptor(OCI_LAYER, layer)],
        }
    )
    return Built(layer, config, manifest)


# --------------------------------------------------------------------------
# Registry


class Registry:
    """A minimal client of the registry HTTP API v2 over plain HTTP, without proxies."""

    def __init__(self, address: str) -> None:
        """Remember the registry's host:port."""
        self.base = f"http://{address}"
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def request(
        self,
        method: str,
        url: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str]]:
        """Send one request; return status and headers ((404, {}) for a HEAD 404)."""
        full = urllib.parse.urljoin(self.base + "/", url)
        request = urllib.request.Request(
            full, data=data, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as response:
                response.read()
                return response.status, dict(response.headers.items())
        except urllib.error.HTTPError as err:
            if err.code == 404 and method == "HEAD":
                return 404, {}
            body = err.read().decode(errors="replace").strip()
            raise ImageError(f"{method} {full}: HTTP {err.code}: {body}") from err
        except (urllib.error.URLError, OSError) as err:
            raise ImageError(f"{method} {full}: {err}") from err

    def check(self) -> None:
        """Fail early if the registry does not answer the API version check."""
        status, _ = self.request("GET", "/v2/")
        if status != 200:
            raise ImageError(
                f"{self.base}/v2/ answered {status}; is the registry running?"
            )

    def manifest_digest(self, repo: str, tag: str) -> str | None:
        """Return the digest the tag points at, or None if it does not exist."""
        accept = f"{OCI_MANIFEST}, {DOCKER_MANIFEST}"
        status, headers = self.request(
            "HEAD", f"/v2/{repo}/manifests/{tag}", headers={"Accept": accept}
        )
        return headers.get("Docker-Content-Digest") if status == 200 else None

    def push_blob(self, repo: str, data: bytes) -> None:
        """Upload a blob in one request unless the repository already has it."""
        digest = sha256_digest(data)
        if self.request("HEAD", f"/v2/{repo}/blobs/{digest}")[0] == 200:
            return
        _, headers = self.request("POST", f"/v2/{repo}/blobs/uploads/", data=b"")
        if "Location" not in headers:
            raise ImageError(f"{self.base}: blob upload for {repo} gave no Location")
        location = urllib.parse.urlsplit(
            urllib.parse.urljoin(self.base + "/", headers["Location"])
        )
        query = "&".join(
            filter(None, [location.query, urllib.parse.urlencode({"digest": digest})])
        )
        headers = {"Content-Type": "application/octet-stream"}
        self.request(
            "PUT", location._replace(query=query).geturl(), data=data, headers=headers
        )

    def push_manifest(self, repo: str, tag: str, manifest: bytes) -> str:
        """Upload a manifest under a tag and return the digest the registry reports."""
        headers = {"Content-Type": OCI_MANIFEST}
        _, answer = self.request(
            "PUT", f"/v2/{repo}/manifests/{tag}", data=manifest, headers=headers
        )
        return answer.get("Docker-Content-Digest", "")


def publish(registry: Registry, image: Image, built: Built) -> bool:
    """Push an image unless its tag has the same digest; return True if pushed."""
    if registry.manifest_digest(image.repo, image.tag) == built.digest:
        return False
    registry.push_blob(image.repo, built.layer)
    registry.push_blob(image.repo, built.config)
    pushed = registry.push_manifest(image.repo, image.tag, built.manifest)
    if pushed != built.digest:
        raise ImageError(
            f"{image.ref}: registry stored {pushed or 'nothing'}, not {built.digest}"
        )
    return True


# --------------------------------------------------------------------------
# Command line


def select(names: list[str] | None) -> list[Image]:
    """Return the images named by short name, repository or repo:tag (all if none)."""
    if not names:
        return list(IMAGES)
    chosen: list[Image] = []
    for name in names:
        matches = [
            image for image in IMAGES if name in (image.name, image.repo, image.ref)
        ]
        if not matches:
            known = ", ".join(image.name for image in IMAGES)
            raise ImageError(f"unknown image {name!r}; known: {known}")
        chosen.extend(image for image in matches if image not in chosen)
    return chosen


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--registry", default="127.0.0.1:5000", help="registry host:port (plain HTTP)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="build only these images (short name, repository or repo:tag)",
    )
    return parser.parse_args(argv)


def process(registry: Registry, image: Image, work: Path) -> None:
    """Build one image, push it if needed and log the outcome."""
    started = time.monotonic()
    built = build(image, work)
    pushed = publish(registry, image, built)
    state = "pushed" if pushed else "up to date"
    seconds = time.monotonic() - started
    log(
        f"{image.ref} {built.digest[:19]} {len(built.layer) >> 10} KiB"
        f" {state} ({seconds:.1f}s)"
    )


def main(argv: list[str]) -> int:
    """Build and push the selected images; return the exit status."""
    args = parse_args(argv)
    try:
        images = select(args.only)
        registry = Registry(args.registry)
        registry.check()
        with tempfile.TemporaryDirectory(prefix="pidshare-images.") as work:
            for image in images:
                process(registry, image, Path(work))
    except (ImageError, OSError) as err:
        log(f"error: {err}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
