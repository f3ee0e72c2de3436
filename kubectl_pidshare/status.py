"""Every exit status pidshare gives, in one place (the README's table is this enum)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What `kubectl pidshare` exits with. A remote `cat`'s own status passes through as is."""

    SUCCESS = 0
    ERROR = 1
    USAGE = 2
    NO_SUCH_PROCESS = 64
    NOT_EXPECTED = 65
    SANDBOX = 66
    NO_PTRACE_ACCESS = 67
    SYMLINK_LOOP = 68
    SPECIAL_FILE = 69
    NO_SUCH_FILE = 70
    IS_A_DIRECTORY = 71
    NOT_A_REGULAR_FILE = 72
    NO_READLINK = 73
    PERMISSION_DENIED = 74
    CHANGED = 75
    FINDINGS = 76
    INCOMPLETE = 77
    UNCAUGHT = 80
    IGNORED = 81
    INTERRUPTED = 130
    STDOUT_CLOSED = 141
