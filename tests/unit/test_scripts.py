"""The remote scripts, checked by shellcheck as they run: preamble first, as POSIX sh."""

from __future__ import annotations

import subprocess

import pytest

from kubectl_pidshare.runner import script


@pytest.mark.parametrize("name", ["probe", "kill", "cat", "environ", "audit"])
def test_shellcheck_clean_as_posix_sh(name: str) -> None:
    checked = subprocess.run(
        ["shellcheck", "--shell=sh", "--exclude=SC2329", "-"],  # the preamble's unused helpers
        input=script(name), capture_output=True, text=True, check=False)
    assert (checked.returncode, checked.stdout) == (0, "")
