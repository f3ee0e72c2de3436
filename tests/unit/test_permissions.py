"""The advice for a refused signal or read, from the real uids, gids and capabilities."""

from __future__ import annotations

import pytest

from kubectl_pidshare.pod.permissions import CAP_KILL, CAP_SYS_PTRACE, Creds, advice, parse_creds
from tests.unit.test_pods import container, make_pod

POD = make_pod(container("app", security={"runAsUser": 1000}), container("web"),
               container("pidshare-general-abc123", kind="ephemeral"))


@pytest.mark.parametrize(("text", "creds"), [
    pytest.param("0/0/000001ffffffffff", Creds(0, 0, 0x1FFFFFFFFFF), id="root"),
    pytest.param("1000/2000/0000000000000000", Creds(1000, 2000, 0), id="not-root"),
    pytest.param("?/?/?", Creds(None, None, None), id="gone"),
    pytest.param("garbage", Creds(None, None, None), id="garbage"),
])
def test_parse_creds(text: str, creds: Creds) -> None:
    assert parse_creds(text) == creds


@pytest.mark.parametrize(("runner", "detail", "cap", "said"), [
    pytest.param("app", "1000/1000/0 0/0/1ff", CAP_KILL,
                 'container "app" runs as uid 1000: a process that is not root has no effective '
                 "capability, whatever securityContext.capabilities.add says (its CapEff is "
                 "empty); signalling a process of uid 0 needs the same uid or CAP_KILL: run from "
                 "a container of that uid (--exec-container web); or run from a container "
                 "running as root (--exec-container NAME); or pass --debug-image IMAGE "
                 "--debug-profile general", id="not-root"),
    pytest.param("web", "0/0/a80425fb 1000/1000/0", CAP_SYS_PTRACE,
                 'container "web" runs as root without CAP_SYS_PTRACE; reading the files of a '
                 "process of uid 1000 needs the same uid and group and a dumpable process or "
                 "CAP_SYS_PTRACE: run from a container of that uid (--exec-container app); or "
                 'add SYS_PTRACE to securityContext.capabilities.add of container "web"; or pass '
                 "--debug-image IMAGE --debug-profile general", id="root-without-the-capability"),
    pytest.param("app", "1000/0/0 1000/1000/0", CAP_SYS_PTRACE,
                 'container "app" runs as uid 1000 like the process, but in group 0, not its '
                 "group 1000 (the kernel wants both the same), so only CAP_SYS_PTRACE will do; "
                 "reading the files of a process of uid 1000 needs the same uid and group and a "
                 "dumpable process or CAP_SYS_PTRACE: run from a container running as uid 1000 "
                 "and group 1000 (--exec-container NAME); or run from a root container with "
                 "SYS_PTRACE in its capabilities.add; or pass --debug-image IMAGE "
                 "--debug-profile general", id="same-uid-another-group"),
    pytest.param("web", "0/0/80000 0/0/1ff", CAP_SYS_PTRACE,
                 'container "web" has CAP_SYS_PTRACE or the same uid, yet the kernel refused: the '
                 "process may be in another user namespace, or a security module (AppArmor, "
                 "SELinux) denies it", id="allowed-yet-refused"),
    pytest.param("pidshare-general-abc123", "65534/65534/0 0/0/1ff", CAP_KILL,
                 'container "pidshare-general-abc123" runs as uid 65534: a process that is not '
                 "root has no effective capability, whatever securityContext.capabilities.add "
                 "says (its CapEff is empty); signalling a process of uid 0 needs the same uid "
                 "or CAP_KILL: pass --debug-profile general (root, with SYS_PTRACE and the "
                 "default capabilities)", id="pidshare-s-own-container"),
])
def test_advice(runner: str, detail: str, cap: int, said: str) -> None:
    assert advice(POD, POD.container(runner), detail, cap, "web" if cap == CAP_KILL else None
                  ) == said
