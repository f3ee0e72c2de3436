"""websocket-client, imported for what pidshare uses of it: the connection (WebSocket, ABNF,
the exceptions), not WebSocketApp."""

from __future__ import annotations

import sys
from typing import Any


def connection_only() -> Any:
    """The websocket package with the modules of its connection (WebSocket, ABNF, the
    exceptions) and not WebSocketApp's (inspect, threads, dispatchers: about 8 ms): its
    __init__ runs only when a name it defines is asked for (as the official client's import
    of it would)."""
    import importlib.util

    spec = importlib.util.find_spec("websocket")
    if spec is None or not hasattr(spec.loader, "exec_module"):  # 3.9's zipimport: all of it
        return importlib.import_module("websocket")
    package = importlib.util.module_from_spec(spec)
    sys.modules["websocket"] = package
    try:
        for name in ("_exceptions", "_abnf", "_core"):
            vars(package).update(
                (k, v) for k, v in vars(importlib.import_module(f"websocket.{name}")).items()
                if not k.startswith("_"))
    except BaseException:
        for name in [m for m in sys.modules if m == "websocket" or m.startswith("websocket.")]:
            del sys.modules[name]
        raise

    def complete(name: str) -> Any:
        del vars(package)["__getattr__"]
        spec.loader.exec_module(package)  # type: ignore[union-attr]
        return getattr(package, name)

    package.__getattr__ = complete  # type: ignore[method-assign]
    return package
