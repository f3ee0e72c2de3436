"""What looks secret in a command line or an environment, and the marker that replaces it.

Pure functions. The rules err on the side of hiding: a false positive costs the user a
`--show-secrets`, a false negative leaks a credential to whoever reads the output.
- By name: an option, a `NAME=value` argument or a variable whose name holds a secret-looking
  word (password, passwd, secret, token, key, credential, auth, private, and the like), as a
  whole word of the name or at the end of one (PGPASSWORD, requirepass), case-insensitive;
  names that only point at a secret (…_FILE, …_PATH, …_DIR, …_SOCK) and a few well-known
  others (PWD) are not secrets themselves, and their values are still checked by shape.
- By shape, anywhere: JWTs, PEM blocks, cloud and forge access keys, `Bearer`/`Basic`
  credentials, the password of a URL's `user:password@`, secret-named query parameters,
  and long high-entropy strings.
- By tool: mysql's `-pPASSWORD`, curl's `-u user:password`, redis-cli's `-a`, sshpass's `-p`,
  headers such as `Authorization: …`; a shell command line in one argument (`sh -c "…"`) is
  read word by word; past MOST_WORDS words the rest is hidden unread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

MARK = "<redacted>"
WORDS = frozenset({
    "password", "passwords", "passwd", "pass", "pwd", "passphrase", "secret", "secrets",
    "token", "tokens", "key", "keys", "apikey", "credential", "credentials", "cred", "creds",
    "auth", "authorization", "oauth", "private", "privkey", "bearer", "jwt", "session",
    "cookie", "signature", "sig", "hmac", "salt", "dsn", "otp", "sas", "pat",
})
ENDINGS = ("password", "passwd", "pass", "pwd", "secret", "token", "key", "auth",
           "credential", "credentials")
POINTERS = frozenset({"file", "files", "path", "dir", "directory", "sock", "socket", "ttl",
                      "timeout", "expiry", "expiration", "length", "size", "type", "algorithm",
                      "url", "uri", "endpoint", "host", "port", "enabled", "disabled", "ref",
                      "mode", "header", "name"})
NOT_SECRET = frozenset({"pwd", "oldpwd"})
WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
NAME = re.compile(r"-{0,2}([A-Za-z_][A-Za-z0-9_.\-]*)")
SPACE, SPACES = re.compile(r"\s"), re.compile(r"(\s+)")
HEADER = re.compile(r"\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*\S")

# Each shape starts where no token character precedes it: a regex engine would otherwise try
# every position of a long run of them (a command line is the process's to make).
SHAPES = [re.compile(r"(?<![A-Za-z0-9_-])(?:" + pattern + ")") for pattern in (
    r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",     # JWT
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}",       # AWS access key ID
    r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}",       # GitHub
    r"glpat-[A-Za-z0-9_-]{20,}",                                      # GitLab
    r"xox[abposr]-[A-Za-z0-9-]{10,}",                                 # Slack
    r"AIza[0-9A-Za-z_-]{35}",                                         # Google API key
    r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}",                   # Stripe
    r"sk-[A-Za-z0-9_-]{20,}",                                         # OpenAI-style keys
)]
PARTS = [
    re.compile(r"(?i)(\b(?:bearer|basic|token|digest)\s+)([A-Za-z0-9._~+/=-]{6,})"),
    re.compile(r"((?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}://[^/\s:@]*:)([^/\s@]+)(?=@)"),
]
QUERY = re.compile(r"([?&;]([A-Za-z0-9_.-]+)=)([^&#\s]+)")
PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*-----")
# What every rule of value() needs to find first: text without any of it is left as it is.
SUSPECT = re.compile(r"(?i)-----BEGIN|eyJ|A[KS]IA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|gh[pousr]_|"
                     r"github_pat_|glpat-|xox|AIza|_live_|_test_|sk-|bearer|basic|token|"
                     r"digest|://|[?&;][A-Za-z0-9_.-]+=|[A-Za-z0-9+/=]{20}")
RUN = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/=]{20,}(?![A-Za-z0-9+/=])")
MYSQL = frozenset({"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlshow", "mysqlcheck",
                   "mariadb", "mariadb-dump", "mariadb-admin"})
CURL_USER = frozenset({"-u", "--user", "-U", "--proxy-user"})
Pending = Callable[[str], str]
# Past this many words a command line (or one argument's shell words) is hidden whole rather than
# read: the rules cost time per word, and a process could otherwise make pidshare slow.
MOST_WORDS = 4096
# Command lines and values up to this many characters are remembered (processes repeat theirs).
CACHED = 512


def words(name: str) -> list[str]:
    """The words of a name, lower case: `dbPassword`, `DB_PASSWORD`, `db.password` -> db,
    password."""
    return [word.lower() for word in WORD.findall(name)]


@lru_cache(maxsize=4096)
def secret_name(name: str) -> bool:
    """Whether a variable or option called name is expected to hold a secret."""
    found = words(name)
    if not found or name.lower().lstrip("-") in NOT_SECRET or found[-1] in POINTERS:
        return False
    return any(word in WORDS or word.endswith(ENDINGS) for word in found)


def entropy(text: str) -> float:
    """Shannon entropy of text, in bits per character."""
    counts = {char: text.count(char) for char in set(text)}
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random(run: str) -> bool:
    classes = sum(bool(re.search(pattern, run)) for pattern in ("[a-z]", "[A-Z]", "[0-9]"))
    if run.startswith("/") or ("/" in run and not re.search("[A-Z+]", run)):
        return False
    return classes >= 2 and entropy(run) >= 3.5


def value(text: str, entropy: bool = True) -> str:
    """text with every credential-shaped part replaced by MARK (a PEM block: all of it; long
    high-entropy strings unless entropy is False)."""
    return _value_cached(text, entropy) if len(text) <= CACHED else _value(text, entropy)


def _value(text: str, entropy: bool) -> str:
    if not SUSPECT.search(text):
        return text
    if PEM.search(text):
        return MARK
    for shape in SHAPES:
        text = shape.sub(MARK, text)
    for part in PARTS:
        text = part.sub(lambda m: m.group(1) + MARK, text)
    text = QUERY.sub(lambda m: m.group(1) + MARK if secret_name(m.group(2)) else m.group(0),
                     text)
    if not entropy:
        return text
    return RUN.sub(lambda m: MARK if _random(m.group(0)) else m.group(0), text)


_value_cached = lru_cache(maxsize=4096)(_value)


def variable(name: str, text: str) -> str:
    """The value of environment variable name as it may be shown."""
    return MARK if secret_name(name) else value(text)


def _after_colon(text: str) -> str:
    user, colon, _ = text.partition(":")
    return user + colon + MARK if colon else MARK


def _tool(program: str, arg: str) -> tuple[str | None, Pending | None]:
    """The rules of a few tools: (the argument shown, or None; how the next is shown)."""
    if program in MYSQL and arg.startswith("-p") and len(arg) > 2 and arg[1] != "-":
        return "-p" + MARK, None
    if program == "curl" and arg in CURL_USER:
        return arg, _after_colon
    if program == "curl" and arg.startswith("-u") and len(arg) > 2:
        return "-u" + _after_colon(arg[2:]), None
    if (program, arg) in (("redis-cli", "-a"), ("sshpass", "-p")):
        return arg, lambda _: MARK
    return None, None


def _option(arg: str) -> tuple[str, Pending | None]:
    """One argument by the generic rules: (as shown, how the next is shown)."""
    key, equals, rest = arg.partition("=")
    named = NAME.fullmatch(key)
    if equals and named:
        hidden = secret_name(named.group(1)) and rest
        return key + "=" + (MARK if hidden else value(rest)), None
    if arg.startswith("-") and named and secret_name(named.group(1)):
        return arg, lambda _: MARK
    return value(arg), None


def _one(program: str, arg: str, first: bool) -> tuple[str, Pending | None]:
    """One argument, the program's name given: (as shown, how the next is shown)."""
    if first:
        return value(arg), None
    header = HEADER.match(arg)
    if header and secret_name(header.group(1)):
        return arg[:header.end() - 1] + MARK, None
    if SPACE.search(arg.strip()):
        pieces = SPACES.split(arg)
        if len(pieces) > 2 * MOST_WORDS:
            return MARK, None
        pieces[::2] = command_line(pieces[::2])
        return value("".join(pieces)), None
    shown, pending = _tool(program, arg)
    if shown is not None:
        return shown, pending
    return _option(arg)


def command_line(args: Sequence[str]) -> list[str]:
    """The arguments of a command line as they may be shown."""
    small = sum(map(len, args)) <= CACHED
    return list((_command_line_cached if small else _command_line)(tuple(args)))


def _command_line(args: tuple[str, ...]) -> tuple[str, ...]:
    program = args[0].rsplit("/", 1)[-1] if args else ""
    shown: list[str] = []
    pending: Pending | None = None
    for index, arg in enumerate(args):
        if index >= MOST_WORDS:
            shown.append(MARK if arg else arg)
            continue
        if pending is not None and not arg.startswith("--"):
            shown.append(pending(arg))
            pending = None
            continue
        text, pending = _one(program, arg, index == 0 and bool(arg))
        shown.append(text)
    return tuple(shown)


_command_line_cached = lru_cache(maxsize=1024)(_command_line)


def arguments(args: Sequence[bytes]) -> list[bytes]:
    """command_line() over the raw arguments of a process (any bytes survive)."""
    small = sum(map(len, args)) <= CACHED
    return list((_arguments_cached if small else _arguments)(tuple(args)))


def _arguments(args: tuple[bytes, ...]) -> tuple[bytes, ...]:
    texts = [arg.decode(errors="surrogateescape") for arg in args]
    return tuple(text.encode(errors="surrogateescape") for text in command_line(texts))


_arguments_cached = lru_cache(maxsize=1024)(_arguments)


def exposed(args: Sequence[str]) -> list[str]:
    """The arguments redaction changes, as shown (an option's value after the option): what
    the secret-looking arguments are, never their values."""
    shown = command_line(args)
    return [f"{args[index - 1]} {text}" if text == MARK and index else text
            for index, (arg, text) in enumerate(zip(args, shown)) if text != arg]


def document(node: Any, key: str = "") -> Any:
    """A copy of a JSON document (an API object) as it may be shown: a variable's value in
    `{name, value}` pairs, command lines (`command`, `args`) and a value under a
    secret-looking key by the rules above; every other string by shape, save entropy (IDs
    and digests stay readable)."""
    if isinstance(node, dict):
        name = node.get("name")
        pair = isinstance(name, str) and isinstance(node.get("value"), str)
        return {k: (variable(str(name), v) if pair and k == "value" else document(v, k))
                for k, v in node.items()}
    if isinstance(node, list):
        if key in ("command", "args") and all(isinstance(item, str) for item in node):
            return command_line(node) if key == "command" else command_line(["", *node])[1:]
        return [document(item) for item in node]
    if isinstance(node, str):
        return MARK if secret_name(key) and node else _string(node)
    return node


def _string(text: str) -> str:
    """A string of a document; one that holds a JSON object (kubectl's last-applied-
    configuration annotation) is read as a document of its own."""
    if text.startswith("{") and text.rstrip().endswith("}"):
        import json

        try:
            return json.dumps(document(json.loads(text)), separators=(",", ":"),
                              ensure_ascii=False)
        except ValueError:
            pass
    return value(text, entropy=False)
