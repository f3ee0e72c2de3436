"""Which containers have what a debug profile gives, and which may reach another's processes."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl_pidshare.pod.model import Container
from kubectl_pidshare.pod.runners import fits, reaches

from .test_pods import container, make_pod


def one(security: dict[str, Any] | None = None, name: str = "r") -> Container:
    """A container parsed from a Pod with that securityContext."""
    return make_pod(container(name, security=security)).containers[0]


ROOT_PTRACE = {"capabilities": {"add": ["SYS_PTRACE"]}}
NONROOT_PTRACE = {"runAsUser": 1000, "capabilities": {"add": ["SYS_PTRACE"]}}


@pytest.mark.parametrize(("security", "profile", "expected"), [
    pytest.param(None, "restricted", True, id="restricted-needs-nothing"),
    pytest.param(None, "general", False, id="general-needs-ptrace"),
    pytest.param(ROOT_PTRACE, "general", True, id="root-with-ptrace"),
    pytest.param(NONROOT_PTRACE, "general", False, id="non-root-has-no-effective-capability"),
    pytest.param({"capabilities": {"add": ["NET_ADMIN"]}}, "netadmin", False, id="half-netadmin"),
    pytest.param({"privileged": True}, "sysadmin", True, id="privileged"),
    pytest.param(ROOT_PTRACE, "sysadmin", False, id="sysadmin-needs-privileged"),
])
def test_fits(security: dict[str, Any] | None, profile: str, expected: bool) -> None:
    assert fits(one(security), profile) is expected


@pytest.mark.parametrize(("security", "target", "need", "expected"), [
    pytest.param({"runAsUser": 1000}, {"runAsUser": 1000}, "signal", True, id="same-uid"),
    pytest.param({"runAsUser": 1000}, {"runAsUser": 2000}, "signal", False, id="other-uid"),
    pytest.param(None, {"runAsUser": 2000}, "signal", True, id="root-has-cap-kill"),
    pytest.param({"capabilities": {"drop": ["ALL"]}}, {"runAsUser": 2000}, "signal", False,
                 id="root-without-cap-kill"),
    pytest.param(None, {"runAsUser": 2000}, "read", False, id="root-without-ptrace"),
    pytest.param(ROOT_PTRACE, {"runAsUser": 2000}, "read", True, id="root-with-ptrace"),
    pytest.param(NONROOT_PTRACE, None, "read", False, id="non-root-with-ptrace"),
])
def test_reaches(security: dict[str, Any] | None, target: dict[str, Any] | None, need: str,
                 expected: bool) -> None:
    assert reaches(one(security), one(target, "t"), need) is expected
