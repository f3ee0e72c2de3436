"""kubeyaml reads what it accepts exactly as yaml.safe_load does, and refuses the rest."""

from __future__ import annotations

import json
import random
import string
from typing import Any

import pytest
import yaml

from kubectl_pidshare.cluster import kubeyaml

KUBECTL_WRITES = """\
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=
    server: https://127.0.0.1:6443
  name: kind-kind
- cluster:
    insecure-skip-tls-verify: true
    proxy-url: socks5://localhost:1080
    server: https://10.0.0.1
    tls-server-name: api.example.com
  name: other
contexts:
- context:
    cluster: kind-kind
    namespace: team-a
    user: kind-kind
  name: kind-kind
current-context: kind-kind
kind: Config
preferences: {}
users:
- name: kind-kind
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - prod
      command: aws
      env:
      - name: AWS_PROFILE
        value: prod
      - name: EMPTY
        value: ""
      interactiveMode: IfAvailable
      provideClusterInfo: false
- name: token
  user:
    token: 'abc.def-ghi'
    as: "someone@example.com"
"""

ACCEPTED = [
    KUBECTL_WRITES,
    "",
    "# only a comment\n",
    "a: 1\nb: 0\nc: ~\nd: null\ne:\nf: yes\ng: Off\n",
    "list:\n  - a\n  -   b: 1\n      c: 2\n  -\n    d: 3\n  -\nafter: x\n",
    "a:\n    deep:\n        deeper: x\n    back: y\n",
    "k: a b  c\n",
    "k: a:b\n",
    "- x\n- y\n",
    '{"apiVersion": "v1", "clusters": [], "preferences": {}, "x": [true, null, "s"]}',
    '{\n  "kind": "Config",\n  "users": [{"name": "u", "user": {"token": "t"}}]\n}\n',
    yaml.safe_dump({"apiVersion": "v1", "kind": "Config", "current-context": "c0",
                    "clusters": [{"name": f"c{i}", "cluster": {
                        "server": "https://127.0.0.1:6443",
                        "certificate-authority-data": "LS0t" * 300}} for i in range(3)],
                    "users": [{"name": "u", "user": {"client-key-data": "a+b/c=="}}]}),
]
REFUSED = [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  folded\n",
    "a: long\n  continued\n", "a: [1, 2]\n", "a: {b: c}\n", "a: 'it''s'\n", 'a: "t\\tab"\n',
    "a: 1.5\n", "a: 012\n", "a: 1:20\n", "a: 2001-12-14\n", "a: -1\n", "a: .inf\n",
    "on: x\n", '"quoted": key\n', "a: b # comment\n", "- - nested\n", "a:\tb\n",
    "a: caf\u00e9\n", "a: b\r\n", "---\na: b\n", "a: b: c\n", "a: x:\n", "a: =\n", "a: <<\n",
    "a: b\n c: d\n", "  a: b\nc: d\n", '{"a": 1}', '{"a": "\\u00e9"}', "text\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_reads_what_kubectl_writes_as_pyyaml_does(text: str) -> None:
    assert kubeyaml.load(text.encode()) == yaml.safe_load(text)


@pytest.mark.parametrize("text", REFUSED)
def test_refuses_what_it_does_not_read_exactly(text: str) -> None:
    with pytest.raises(kubeyaml.Unsupported):
        kubeyaml.load(text.encode())


ALPHABET = string.ascii_letters + string.digits + " _./:@=+~%?&,;()-#'\"!*[]{}|>\\"
WORDS = ["yes", "no", "on", "off", "true", "null", "~", "0", "1", "007", "1.5", "1e3", "0x1f",
         "2001-12-14", "1:30", "-", "- x", "a: b", "", " ", "#x", "x #y", ".nan", "<<", "="]


def _value(rng: random.Random, depth: int) -> Any:
    choice = rng.random()
    if depth < 3 and choice < 0.25:
        return {_text(rng, key=True): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 3 and choice < 0.4:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if choice < 0.5:
        return rng.choice([None, True, False, 0, 7, -3, 1.5])
    return _text(rng)


def _text(rng: random.Random, key: bool = False) -> str:
    if rng.random() < 0.3:
        return rng.choice(WORDS)
    size = rng.randint(1, 12) if key else rng.randint(0, 30)
    return "".join(rng.choice(ALPHABET) for _ in range(size))


@pytest.mark.parametrize("seed", range(12))
def test_agrees_with_pyyaml_on_generated_documents(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        document = {"apiVersion": "v1", "items": _value(rng, 0), "more": _value(rng, 1)}
        for text in (yaml.safe_dump(document, default_flow_style=False),
                     yaml.safe_dump(document, default_flow_style=False, indent=4),
                     yaml.safe_dump(document, default_flow_style=None, width=20),
                     json.dumps(document), json.dumps(document, indent=1)):
            try:
                expected = yaml.safe_load(text)
            except yaml.YAMLError:
                expected = "refused by PyYAML"
            try:
                got = kubeyaml.load(text.encode())
            except kubeyaml.Unsupported:
                continue
            assert got == expected, text
