#!/usr/bin/env python3
"""Build the krew release archive, and check or (--write-manifest) write its sha256 in
krew/pidshare.yaml.

The archive holds `pidshare.pyz`, a zipapp of the package and of its pure-Python runtime
dependencies (pinned below, each working on Python 3.9 to 3.13), the launcher
`kubectl-pidshare` that runs it with python3 (and, under the name
`kubectl_complete-pidshare`, answers kubectl's completion), and LICENSE. It needs only a
python3 of 3.9 or later on the target machine: no dependency installed, no network. The
zipapp unpacks itself once per build into the user's cache (krew/archive/pidshare_boot.py), so
later runs import compiled code. The official kubernetes client is left out: it carries
compiled code and pidshare needs it only for legacy auth-provider credentials (it says so).
PyYAML's optional C extension is dropped; its pure-Python code is used. The build is
byte-for-byte reproducible: sorted entries, fixed timestamps, gzip without a date.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "krew" / "pidshare.yaml"
ARCHIVE = ROOT / "krew" / "archive"
# typer 0.23 is the last that runs on 3.9 (with click 8.1); later ones need 3.10.
RUNTIME = ("typer==0.23.2", "click==8.1.8", "annotated-doc==0.0.5", "shellingham==1.5.4",
           "tabulate==0.9.0", "websocket-client==1.9.0", "PyYAML==6.0.3", "python-socks==2.7.1")
OLDEST_PYTHON = "3.9"
EPOCH = (1980, 1, 1, 0, 0, 0)


def version() -> str:
    """The package version, from kubectl_pidshare/__init__.py."""
    text = (ROOT / "kubectl_pidshare" / "__init__.py").read_text()
    found = re.search(r'__version__ = "([^"]+)"', text)
    assert found, "no __version__"
    return found[1]


def wheels(into: Path) -> list[Path]:
    """The pinned runtime wheels, downloaded from the package index (or pip's cache)."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--only-binary=:all:", "--python-version", OLDEST_PYTHON, "--platform",
                    "manylinux2014_x86_64", "-d", str(into), *RUNTIME], check=True)
    return sorted(into.glob("*.whl"))


def entries(wheel_files: list[Path]) -> dict[str, bytes]:
    """Archive path -> bytes of everything the zipapp holds; the boot module carries the
    digest of all of it (itself with a placeholder), which names the directory the build is
    unpacked in."""
    files: dict[str, bytes] = {"__main__.py": (ARCHIVE / "__main__.py").read_bytes()}
    for path in sorted((ROOT / "kubectl_pidshare").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    for wheel in wheel_files:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if not name.endswith((".so", ".pyd", "/RECORD")):
                    files[name] = archive.read(name)
    files["pidshare_boot.py"] = (ARCHIVE / "pidshare_boot.py").read_bytes()
    build = hashlib.sha256()
    for name in sorted(files):
        build.update(f"{name}\0{len(files[name])}\0".encode() + files[name])
    files["pidshare_boot.py"] = files["pidshare_boot.py"].replace(
        b"@BUILD@", build.hexdigest()[:16].encode())
    return files


def zipapp(files: dict[str, bytes]) -> bytes:
    """A reproducible zipapp: a zip of the files in sorted order (the launcher runs it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def tarball(members: dict[str, tuple[bytes, int]]) -> bytes:
    """A reproducible .tar.gz of name -> (bytes, mode)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(members):
            data, mode = members[name]
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 0
            archive.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0, filename="") as zipped:
        zipped.write(raw.getvalue())
    return packed.getvalue()


def update_manifest(tag: str, name: str, digest: str) -> None:
    """Point every platform of the manifest at the archive and its sha256."""
    text = MANIFEST.read_text()
    text = re.sub(r"(?m)^(  version: ).*$", rf"\g<1>{tag}", text)
    text = re.sub(r"(?m)^(    uri: .*/download/)[^/]+/[^/\s]+$", rf"\g<1>{tag}/{name}", text)
    text = re.sub(r"(?m)^(    sha256: ).*$", rf"\g<1>{digest}", text)
    MANIFEST.write_text(text)


def main() -> None:
    """Build dist/kubectl-pidshare-vX.tar.gz; say whether the manifest carries its sha256
    (--check: fail if not), or write it there (--write-manifest)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "dist"))
    parser.add_argument("--check", action="store_true",
                        help="fail if the manifest's sha256 is not the built archive's")
    parser.add_argument("--write-manifest", action="store_true",
                        help="write the archive's sha256 into krew/pidshare.yaml (releases)")
    options = parser.parse_args()
    tag = f"v{version()}"
    name = f"kubectl-pidshare-{tag}.tar.gz"
    with tempfile.TemporaryDirectory() as scratch:
        app = zipapp(entries(wheels(Path(scratch))))
    launcher = (ARCHIVE / "launcher").read_bytes()
    archive = tarball({"pidshare.pyz": (app, 0o644), "kubectl-pidshare": (launcher, 0o755),
                       "kubectl_complete-pidshare": (launcher, 0o755),
                       "LICENSE": ((ROOT / "LICENSE").read_bytes(), 0o644)})
    digest = hashlib.sha256(archive).hexdigest()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(archive)
    if options.write_manifest:
        update_manifest(tag, name, digest)
    elif f"sha256: {digest}" not in MANIFEST.read_text():
        said = (f"krew/pidshare.yaml does not carry the sha256 of {name} ({digest}), so krew "
                "refuses the archive: the tree differs from the release's; run "
                "krew/build.py --write-manifest and commit the manifest")
        if options.check:
            sys.exit(said)
        print(f"warning: {said}", file=sys.stderr)
    print(out / name)


if __name__ == "__main__":
    main()
