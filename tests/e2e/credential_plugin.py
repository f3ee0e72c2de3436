#!/usr/bin/env python3
"""An exec credential plugin for the parity suite: it hands out the admin's client certificate,
or misbehaves as its first argument says.

    credential_plugin.py MODE CERT KEY [EXPECTED_SERVER CA]

MODE: cert (answer), fail (two lines on stderr, exit 3), other-version (answer with the other
apiVersion), cluster-info (answer only if KUBERNETES_EXEC_INFO carries the cluster's server
and CA), ask (answer only when interactive and the code typed on the terminal is 1234).
"""

import base64
import json
import os
import sys

OTHER = {"client.authentication.k8s.io/v1": "client.authentication.k8s.io/v1beta1",
         "client.authentication.k8s.io/v1beta1": "client.authentication.k8s.io/v1"}


def main() -> int:
    """Print an ExecCredential, or fail as asked."""
    mode, cert, key = sys.argv[1:4]
    info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
    version = info["apiVersion"]
    if mode == "fail":
        sys.stderr.write("plugin: first line of the failure\nplugin: second line\n")
        return 3
    if mode == "other-version":
        version = OTHER[version]
    if mode == "cluster-info":
        cluster = info["spec"].get("cluster") or {}
        with open(sys.argv[5], "rb") as ca:
            expected = base64.b64encode(ca.read()).decode()
        if (cluster.get("server"), cluster.get("certificate-authority-data")) != (
                sys.argv[4], expected):
            sys.stderr.write(f"plugin: no cluster info in {info}\n")
            return 4
    if mode == "ask":
        if not info["spec"]["interactive"]:
            sys.stderr.write("plugin: not interactive, cannot ask for the code\n")
            return 5
        sys.stderr.write("Enter the code shown on your device: ")
        sys.stderr.flush()
        if sys.stdin.readline().strip() != "1234":
            sys.stderr.write("plugin: wrong code\n")
            return 6
    with open(cert) as c, open(key) as k:
        status = {"clientCertificateData": c.read(), "clientKeyData": k.read()}
    print(json.dumps({"apiVersion": version, "kind": "ExecCredential", "status": status}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
