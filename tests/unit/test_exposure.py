"""The exposure rules: facts about a Pod's containers in, findings out; and the audit
script's records."""

from __future__ import annotations

from kubectl_pidshare.audit import parse
from kubectl_pidshare.exposure import Facts, Finding, findings, reaches


def ids(found: list[Finding]) -> set[tuple[str, str, str]]:
    return {(f.id, f.level, f.container) for f in found}


def test_a_same_uid_app_beside_istios_proxy() -> None:
    app = Facts("app", uids=frozenset({1337}), caps=frozenset(), variables=("DB_PASSWORD",))
    proxy = Facts("istio-proxy", uids=frozenset({1337}), caps=frozenset())
    found = ids(findings(True, [app, proxy]))
    assert ("proxy-uid", "warning", "app") in found
    assert ("can-read", "critical", "istio-proxy") in found
    assert ("can-read", "warning", "app") in found


def test_sys_ptrace_reads_every_other_uid() -> None:
    debug = Facts("debug", uids=frozenset({0}), caps=frozenset({"SYS_PTRACE", "KILL"}),
                  added=frozenset({"SYS_PTRACE"}))
    web = Facts("web", uids=frozenset({101}), caps=frozenset())
    found = ids(findings(True, [debug, web]))
    assert {("adds-capabilities", "critical", "debug"), ("runs-as-root", "warning", "debug"),
            ("can-read", "warning", "debug"), ("can-signal", "info", "debug")} <= found
    assert not {f for f in found if f[2] == "web" and f[0].startswith("can-")}


def test_root_without_kill_cannot_signal() -> None:
    root = Facts("root", uids=frozenset({0}), caps=frozenset({"CHOWN"}))
    other = Facts("other", uids=frozenset({1000}), caps=frozenset())
    assert not {f for f in ids(findings(True, [root, other])) if f[0] == "can-signal"}


def test_nothing_between_containers_that_do_not_share() -> None:
    a = Facts("a", uids=frozenset({1000}), caps=frozenset(), arguments=("--token <redacted>",))
    b = Facts("b", uids=frozenset({1000}), caps=frozenset())
    found = findings(False, [a, b])
    assert ids(found) == {("not-shared", "info", ""), ("secret-argument", "warning", "a")}
    assert reaches(found, "warning") and not reaches(found, "critical")


def test_the_audit_records_before_the_probe() -> None:
    output = (b"12/status:Name:\tsh\nCapEff:\t00000000a80425fb\n\0"
              b"13/status:Name:\tapp\nCapEff:\t0000000000000000\n\0"
              b"12/environ:A=1\x0012/environ:TOKEN=x\x00"
              b"pidshare-probe:99\x0013/environ:FORGED=1\x00")
    seen = parse(output)
    assert seen.caps == {12: frozenset({"KILL"}), 13: frozenset()}
    assert seen.environ == {12: [b"A=1", b"TOKEN=x"]}


def test_what_the_script_read_or_could_not_read_is_evidence() -> None:
    runner = Facts("shell", uids=frozenset({101}), caps=frozenset(), read=frozenset({"web"}),
                   denied=frozenset({"worker"}))
    web = Facts("web", uids=frozenset({101}), caps=frozenset())
    worker = Facts("worker", uids=frozenset({101}), caps=frozenset())
    messages = {f.message for f in findings(True, [runner, web, worker])
                if f.id == "can-read" and f.container == "shell"}
    assert messages == {'can read the environment and files of container "web" (same uid 101; '
                        "pidshare read it from there)"}
