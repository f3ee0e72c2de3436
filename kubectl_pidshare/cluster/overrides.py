"""kubectl's command-line flags laid over the kubeconfig's cluster and user, as client-go's
ConfigOverrides lay them: a flag given replaces the entry's value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubectl_pidshare.cluster.configflags import ConfigFlags


def cluster(entry: Mapping[str, Any], flags: ConfigFlags) -> dict[str, Any]:
    """The cluster with -s, --certificate-authority, --insecure-skip-tls-verify,
    --tls-server-name and --disable-compression applied. A CA or insecure flag replaces the
    entry's whole trust setting; -s clears the entry's tls-server-name."""
    merged = dict(entry)
    if flags.server:
        merged["server"] = flags.server
    if flags.disable_compression:
        merged["disable-compression"] = True
    if flags.insecure or flags.certificate_authority:
        merged.pop("certificate-authority-data", None)
        merged["insecure-skip-tls-verify"] = flags.insecure
        merged["certificate-authority"] = flags.certificate_authority
    if flags.tls_server_name or flags.server:
        merged["tls-server-name"] = flags.tls_server_name
    return merged


def user(entry: Mapping[str, Any], flags: ConfigFlags) -> dict[str, Any]:
    """The user with --token, --client-certificate, --client-key, --username, --password,
    --as, --as-uid and --as-group applied."""
    merged = dict(entry)
    given = {"token": flags.token, "client-certificate": flags.client_certificate,
             "client-key": flags.client_key, "username": flags.username,
             "password": flags.password, "as": flags.impersonate,
             "as-uid": flags.impersonate_uid,
             "as-groups": list(flags.impersonate_groups) or None}
    merged.update({key: value for key, value in given.items() if value})
    return merged
