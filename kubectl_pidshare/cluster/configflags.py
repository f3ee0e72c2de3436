"""The kubectl flags that say how to reach the cluster and as whom: what the command line gives
the configuration loader (kubeconfig.py) and the credentials."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConfigFlags:
    """The kubectl flags that choose the cluster, the credentials and the namespace."""

    kubeconfig: str | None = None
    context: str | None = None
    cluster: str | None = None
    user: str | None = None
    namespace: str | None = None
    request_timeout: float | None = None
    server: str | None = None
    token: str | None = field(default=None, repr=False)
    impersonate: str | None = None
    impersonate_groups: tuple[str, ...] = ()
    impersonate_uid: str | None = None
    certificate_authority: str | None = None
    client_certificate: str | None = None
    client_key: str | None = None
    insecure: bool = False
    tls_server_name: str | None = None
    disable_compression: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    verbosity: int = 0
