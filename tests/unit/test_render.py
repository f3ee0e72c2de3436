"""Rendering: escapes, TIME, the tree, the table (plain and wide) and the JSON/YAML document."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from typing import Any

import yaml

from kubectl_pidshare import text
from kubectl_pidshare.output import render
from kubectl_pidshare.pod import model
from kubectl_pidshare.pod.attribution import Owner
from kubectl_pidshare.pod.snapshot import Listing
from kubectl_pidshare.ps import group
from tests.unit.recordings import NGINX_TABLE, NGINX_WIDE, groups, pod_json, snapshot

QUAD_TABLE = """\
CONTAINER      PID    PPID  USER    STAT      TIME  COMMAND
(sandbox)        1       0  65535   S         0:00  /pause
web             13       0  root    S         0:00  nginx: master process nginx -g daemon off;
web             19      13  nginx   S         0:00  └─ nginx: worker process
shell           20       0  root    S         0:00  sh -c while :; do sleep 3600; done
shell           26      20  root    S         0:00  └─ sleep 3600
worker          27       0  app     S         0:00  sh -c sleep 3601 & sleep 3602 & wait
worker          33      27  app     S         0:00  ├─ sleep 3601
worker          34      27  app     S         0:00  └─ sleep 3602
app             35       0  root    S         0:00  /sleeper
"""

HOSTILE_TABLE = (
    "CONTAINER      PID    PPID  USER    STAT      TIME  COMMAND\n"
    "(sandbox)        1       0  65535   S         0:00  /pause\n"
    "shell            7       0  root    S         0:00  sh -c while :; do sleep 3600; done\n"
    "shell           13       7  root    S         0:00  └─ sleep 3600\n"
    "evil            14       0  root    S         0:00  sh -c sh -c 'while :; do sleep 3601; "
    "done' \"$(printf 'bad\\\\377\\\\376utf8')\" &\\nwhile :; do sleep 3600; done\\n "
    "line1\\nline2 \\x1b[31mred\\x1b[0m\\x1b]0;title\\x07 1/cmdline:fake pidshare-probe:1\n"
    "evil            20      14  root    S         0:00  ├─ sh -c while :; do sleep 3601; done "
    "bad\\xff\\xfeutf8\n"
    "evil            23      20  root    S         0:00  │  └─ sleep 3601\n"
    "evil            21      14  root    S         0:00  └─ sleep 3600\n"
)


def row(pid: int, ppid: int, args: tuple[bytes, ...] = (b"cmd",), container: str = "c",
        start: datetime | None = None) -> render.Row:
    """A hand-made Row with only the fields a test cares about set."""
    return render.Row(pid=pid, ppid=ppid, owner=Owner(container, "container"), user="root",
                      uid=0, state="S", threads=1, rss_kib=10, cpu_seconds=0.0, start=start,
                      name="cmd", args=args)


NOW = datetime(2026, 11, 29, 7, 28, 12, tzinfo=timezone.utc)


def write(groups: list[list[render.Row]], **layout: Any) -> str:
    """The table of one Pod's groups, laid out as asked."""
    out = io.StringIO()
    render.write_table(out, [((), groups)], render.Layout(**layout))
    return out.getvalue()


def table(name: str, wide: bool = False) -> str:
    """The table of a recording, as `ps` writes it (AGE counted to NOW)."""
    return write(groups(name), columns=render.WIDE if wide else render.TREE, now=NOW)


def test_escape_control_characters() -> None:
    assert text.escape(b"a\x00b\x01c\x1fd\x7f") == "a\\x00b\\x01c\\x1fd\\x7f"


def test_escape_esc_and_bel() -> None:
    assert text.escape(b"\x1b[31mred\x1b[0m\x1b]0;t\x07") == "\\x1b[31mred\\x1b[0m\\x1b]0;t\\x07"


def test_escape_named() -> None:
    assert text.escape(b"a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert text.escape(b"C:\\dir\\n") == "C:\\\\dir\\\\n"


def test_escape_invalid_utf8() -> None:
    assert text.escape(b"bad\xff\xfeutf8") == "bad\\xff\\xfeutf8"
    assert text.escape(b"\xc3") == "\\xc3"


def test_escape_keeps_printable_unicode_and_spaces() -> None:
    assert text.escape("café déjà".encode()) == "café déjà"
    assert text.escape("日本 😀") == "日本 😀"


def test_escape_bidi_and_other_format_characters() -> None:
    assert text.escape("abc\u202edef".encode()) == "abc\\u202edef"
    assert text.escape("a\u200bb\u2028c") == "a\\u200bb\\u2028c"
    assert text.escape("\U000e0001") == "\\U000e0001"


def test_escape_str_and_bytes_agree() -> None:
    assert text.escape("x\ny\x1b") == text.escape(b"x\ny\x1b") == "x\\ny\\x1b"


def test_escape_is_reversible_for_c1_controls() -> None:
    """A valid U+0085 and an invalid byte 0x85 must not look the same (the docstring promises
    a reversible escape)."""
    assert text.escape(b"\x85") == "\\x85"
    assert text.escape("\x85".encode()) == "\\u0085"
    assert text.escape("\xa0".encode()) != text.escape(b"\xa0")


def test_command() -> None:
    assert text.command("kworker/0:1", []) == "[kworker/0:1]"
    assert text.command("x\ny", ()) == "[x\\ny]"
    assert text.command("sh", [b"sh", b"-c", b"a b\n"]) == "sh -c a b\\n"
    assert text.command("sh", [b""]) == ""


def test_cpu_time() -> None:
    cases = {0.0: "0:00", 0.99: "0:00", 59.99: "0:59", 61.0: "1:01", 599.5: "9:59",
             3599.0: "59:59", 3600.0: "1:00:00", 3661.0: "1:01:01", 90061.0: "25:01:01"}
    assert {seconds: render.cpu_time(seconds) for seconds in cases} == cases


def test_start_time() -> None:
    assert render.start_time(None, 100, 100) is None
    assert render.start_time(1795919000, 289158, 100) == datetime(
        2026, 11, 29, 3, 11, 31, 580000, tzinfo=timezone.utc)


def prefixes(rows: list[render.Row]) -> list[tuple[str, int]]:
    """(branch, pid) for each row of tree_order."""
    return [(branch, r.pid) for branch, r in render.tree_order(rows)]


def test_tree_order_nested_siblings_and_continuation() -> None:
    rows = [row(6, 3), row(3, 1), row(5, 2), row(1, 0), row(4, 2), row(2, 1), row(9, 4)]
    assert prefixes(rows) == [
        ("", 1),
        ("├─ ", 2),
        ("│  ├─ ", 4),
        ("│  │  └─ ", 9),
        ("│  └─ ", 5),
        ("└─ ", 3),
        ("   └─ ", 6),
    ]


def test_tree_order_orphans_are_roots_in_pid_order() -> None:
    rows = [row(30, 7), row(20, 0), row(10, 99), row(11, 10)]
    assert prefixes(rows) == [("", 10), ("└─ ", 11), ("", 20), ("", 30)]


def test_tree_order_empty() -> None:
    assert render.tree_order([]) == []


def test_write_table_nginx_exact() -> None:
    assert table("nginx") == NGINX_TABLE


def test_write_table_nginx_wide_exact() -> None:
    assert table("nginx", wide=True) == NGINX_WIDE


def test_write_table_quad_exact() -> None:
    assert table("quad") == QUAD_TABLE


def test_write_table_hostile_is_escaped_one_line_per_process() -> None:
    text = table("hostile")
    assert text == HOSTILE_TABLE
    assert "\x1b" not in text and "\x07" not in text
    assert len(text.splitlines()) == 8


def test_write_table_nothing() -> None:
    assert write([]) + write([[], []], columns=render.WIDE) == (
        "No processes found.\nNo processes found.\n")


def test_write_table_wide_unknown_start() -> None:
    assert write([[row(5, 0, start=None)]], columns=render.WIDE) == (
        "CONTAINER      PID    PPID  USER    STAT      TIME  START    AGE      RSS    THREADS  "
        "COMMAND\n"
        "c                5       0  root    S         0:00  ?        ?         10          1  "
        "cmd\n"
    )


def nginx_document() -> dict[str, object]:
    """The document of the nginx recording, through a JSON round trip."""
    out = io.StringIO()
    doc = render.document({"pod": "nginx", "namespace": "default"},
                          groups("nginx"))
    render.write_json(out, doc)
    assert out.getvalue().endswith("}\n")
    loaded: dict[str, object] = json.loads(out.getvalue())
    assert loaded == doc
    return loaded


def test_document_nginx_keys_and_values() -> None:
    doc = nginx_document()
    assert list(doc) == ["apiVersion", "kind", "pod", "namespace", "processes"]
    assert (doc["apiVersion"], doc["kind"], doc["pod"], doc["namespace"]) == (
        "pidshare/v1", "ProcessList", "nginx", "default")
    processes = doc["processes"]
    assert isinstance(processes, list)
    assert [(p["pid"], p["container"], p["user"]) for p in processes] == [
        (1, "(sandbox)", "65535"), (7, "nginx", "root"), (13, "nginx", "nginx"),
        (14, "shell", "root"),
    ]
    assert processes[2] == {
        "pid": 13, "ppid": 7, "container": "nginx", "containerKind": "container",
        "containerInferred": False, "uid": 101,
        "user": "nginx", "state": "S", "threads": 1, "rssKiB": 2788, "cpuSeconds": 0.0,
        "startTime": "2026-11-29T03:58:12Z", "name": "nginx",
        "command": "nginx: worker process", "args": ["nginx: worker process"], "signals": None,
    }
    assert processes[0]["containerKind"] == "sandbox"
    assert processes[0]["cpuSeconds"] == 0.01


def test_document_hostile_args_as_written() -> None:
    """JSON and YAML escape controls themselves: the document carries the real text, and a
    byte that is not UTF-8 as `\\xNN`."""
    doc = render.document({}, groups("hostile"))
    by_pid = {p["pid"]: p for p in doc["processes"]}
    assert by_pid[20]["args"] == ["sh", "-c", "while :; do sleep 3601; done", "bad\\xff\\xfeutf8"]
    assert by_pid[14]["args"][3:] == ["line1\nline2", "\x1b[31mred\x1b[0m\x1b]0;title\x07",
                                      "1/cmdline:fake", "pidshare-probe:1"]
    assert by_pid[14]["command"] == " ".join(by_pid[14]["args"])
    assert [p["pid"] for p in doc["processes"]] == [1, 7, 13, 14, 20, 23, 21]
    out = io.StringIO()
    render.write_json(out, doc)
    assert "\x1b" not in out.getvalue() and "\\u001b[31mred" in out.getvalue()
    assert json.loads(out.getvalue()) == doc
    out = io.StringIO()
    render.write_yaml(out, doc)
    assert "\x1b" not in out.getvalue() and yaml.safe_load(out.getvalue()) == doc


def test_write_yaml_round_trip() -> None:
    doc = render.document({"pod": "nginx"}, groups("nginx"))
    out = io.StringIO()
    render.write_yaml(out, doc)
    assert yaml.safe_load(out.getvalue()) == doc
    assert out.getvalue().startswith("apiVersion: pidshare/v1\nkind: ProcessList\npod: nginx\n")


def test_write_table_cut_to_a_terminal_width() -> None:
    lines = write(groups("nginx"), width=60).splitlines()
    assert [len(line) for line in lines] == [59, 58, 60, 60, 54]
    assert lines[2] == "nginx            7       0  root    S         0:00  nginx: …"
    assert [line[:-1] for line in lines if line.endswith(render.CUT)] == [
        line[:59] for line in NGINX_TABLE.splitlines() if len(line) > 60]


def test_write_table_without_a_width_keeps_every_byte() -> None:
    assert table("nginx") == NGINX_TABLE
    assert all(render.CUT not in line for line in NGINX_TABLE.splitlines())


def test_document_carries_user_names_the_table_escapes() -> None:
    hostile = render.Row(pid=5, ppid=0, owner=Owner("c", "container"), user="ev\u202eil\u200b\x1b",
                         uid=7, state="S", threads=1, rss_kib=1, cpu_seconds=0.0, start=None,
                         name="x", args=(b"x",))
    [process] = render.document({}, [[hostile]])["processes"]
    assert process["user"] == "ev\u202eil\u200b\x1b"
    assert "ev\\u202eil\\u200b\\x1b" in write([[hostile]])


def test_private_cgroup_namespaces_show_the_same_table() -> None:
    assert table("nginx-private") == NGINX_TABLE


def test_pidshare_s_own_debug_container_is_not_listed() -> None:
    """The private recording's probe ran in "shell": made pidshare's ephemeral container, its
    processes (a keep-alive loop in real life) are pidshare's own, not the user's."""
    document = pod_json("nginx-private")
    shell = next(c for c in document["spec"]["containers"] if c["name"] == "shell")
    document["spec"]["containers"].remove(shell)
    document["spec"]["ephemeralContainers"] = [{**shell, "name": "pidshare-restricted-abc123"}]
    status = next(s for s in document["status"]["containerStatuses"] if s["name"] == "shell")
    document["status"]["ephemeralContainerStatuses"] = [
        {**status, "name": "pidshare-restricted-abc123"}]
    debugging_pod = model.parse_pod(document)
    rows = group(Listing(debugging_pod, debugging_pod.container("pidshare-restricted-abc123"),
                         snapshot("nginx-private")))
    assert [sorted((row.owner.name, row.pid) for row in rows) for rows in rows] == [
        [("(sandbox)", 1)], [("nginx", 7), ("nginx", 13)]]
