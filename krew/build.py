"""Build the krew release archive and write its sha256 into krew/pidshare.yaml.

The archive holds `kubectl-pidshare`, a zipapp of the package and of its pure-Python runtime
dependencies (pinned below), and LICENSE. It needs only a Python 3 on the target machine:
no dependency installed, no network. The official kubernetes client is left out: it carries
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
RUNTIME = ("typer==0.26.8", "annotated-doc==0.0.7", "shellingham==1.5.4", "tabulate==0.10.0",
           "websocket-client==1.9.2", "PyYAML==6.0.4")
EPOCH = (1980, 1, 1, 0, 0, 0)
MAIN = b"import sys\n\nfrom kubectl_pidshare.cli import main\n\nsys.exit(main())\n"
SHEBANG = b"#!/usr/bin/env python3\n"


def version() -> str:
    """The package version, from kubectl_pidshare/__init__.py."""
    text = (ROOT / "kubectl_pidshare" / "__init__.py").read_text()
    found = re.search(r'__version__ = "([^"]+)"', text)
    assert found, "no __version__"
    return found[1]


def wheels(into: Path) -> list[Path]:
    """The pinned runtime wheels, downloaded from the package index (or pip's cache)."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--only-binary=:all:", "--python-version", "3.11", "--platform",
                    "manylinux2014_x86_64", "-d", str(into), *RUNTIME], check=True)
    return sorted(into.glob("*.whl"))


def entries(wheel_files: list[Path]) -> dict[str, bytes]:
    """Archive path -> bytes of everything the zipapp holds."""
    files: dict[str, bytes] = {"__main__.py": MAIN}
    for path in sorted((ROOT / "kubectl_pidshare").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    for wheel in wheel_files:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if not name.endswith((".so", ".pyd", "/RECORD")):
                    files[name] = archive.read(name)
    return files


def zipapp(files: dict[str, bytes]) -> bytes:
    """A reproducible zipapp: shebang, then a zip of the files in sorted order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return SHEBANG + buffer.getvalue()


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
    """Build dist/kubectl-pidshare-vX.tar.gz and update the manifest's sha256."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "dist"))
    parser.add_argument("--check", action="store_true",
                        help="fail if the manifest's sha256 is not the built archive's")
    options = parser.parse_args()
    tag = f"v{version()}"
    name = f"kubectl-pidshare-{tag}.tar.gz"
    with tempfile.TemporaryDirectory() as scratch:
        app = zipapp(entries(wheels(Path(scratch))))
    archive = tarball({"kubectl-pidshare": (app, 0o755),
                       "LICENSE": ((ROOT / "LICENSE").read_bytes(), 0o644)})
    digest = hashlib.sha256(archive).hexdigest()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(archive)
    if options.check:
        if f"sha256: {digest}" not in MANIFEST.read_text():
            sys.exit(f"krew/pidshare.yaml does not carry the sha256 of {name} ({digest}): "
                     "run krew/build.py and commit the manifest")
    else:
        update_manifest(tag, name, digest)
    print(out / name)


if __name__ == "__main__":
    main()
