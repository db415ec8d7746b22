"""The servers HopsML Lab starts as child processes (TensorBoard today, model servers
next): on 127.0.0.1 with a free port, ready when they answer HTTP, stopped when idle or
on shutdown, and dying with their parent even when it is killed with SIGKILL; and
detached processes that outlive the one that started them (a deployment's keeper)."""

from .child import PARENT_ENV, watch_parent
from .detached import start_detached
from .supervisor import HOST, ChildServer, ProcessError, Supervisor, free_port

__all__ = [
    "HOST",
    "PARENT_ENV",
    "ChildServer",
    "ProcessError",
    "Supervisor",
    "free_port",
    "start_detached",
    "watch_parent",
]
