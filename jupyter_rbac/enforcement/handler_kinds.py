"""The handler classes of other packages that jupyter-rbac knows by name: the one place their
names are written.

The Authorizer resolves the objects some handlers act on (a session's kernel, a room's
document), the response filters shape what some return (listings, new owners), and presence
counts websockets by kind. Each asks `kind_of(handler)` and keys its own table by the answer, a
`HandlerKind`. Classes are matched by name along their class hierarchy (first match wins), so a
subclass (jupyter-rbac's own collaboration room, an extension's subclass of a core handler) is
judged as what it extends; names, not imports, because jupyter-collaboration, the file id
service and the language server are optional.
"""

from __future__ import annotations

import enum
from typing import Any


class HandlerKind(enum.Enum):
    CONTENTS = "jupyter_server's Contents API (a file or folder)"
    KERNELS = "the kernel list, and starting a kernel"
    KERNEL = "one kernel"
    KERNEL_CHANNELS = "a kernel's websocket"
    SESSIONS = "the session list, and starting a session"
    SESSION = "one session"
    TERMINALS = "the terminal list, and starting a terminal"
    TERMINAL = "one terminal"
    TERMINAL_SOCKET = "a terminal's websocket"
    NBCONVERT_FILE = "a file exported by nbconvert"
    PATH_RESOLVER = "resolving a path on the server or beside a kernel"
    EVENTS = "the event stream's websocket"
    EVENT_EMITTER = "emitting an event on the server's event bus"
    ROOM = "a collaboration room's websocket, as jupyter-collaboration answers it"
    READ_ONLY_ROOM = "a collaboration room's websocket under jupyter-rbac (readers only read)"
    ROOM_TOOL = "a collaboration room's undo/redo or fork"
    DOCUMENT_SESSION = "opening a document for collaboration (its file id)"
    FILE_ID = "the file id of a path"
    FILE_PATH = "the path of a file id"
    LANGUAGE_SERVER = "a language server's websocket"
    COLLABORATORS = "jupyter-rbac's collaborators stream"


# Class name -> kind. Most specific first does not matter: a class's own name is looked up
# before its bases'.
KNOWN_HANDLERS: dict[str, HandlerKind] = {
    "ContentsHandler": HandlerKind.CONTENTS,
    "MainKernelHandler": HandlerKind.KERNELS,
    "KernelHandler": HandlerKind.KERNEL,
    "KernelWebsocketHandler": HandlerKind.KERNEL_CHANNELS,
    "ZMQChannelsWebsocketConnection": HandlerKind.KERNEL_CHANNELS,
    "SessionRootHandler": HandlerKind.SESSIONS,
    "SessionHandler": HandlerKind.SESSION,
    "TerminalRootHandler": HandlerKind.TERMINALS,
    "TerminalHandler": HandlerKind.TERMINAL,
    "TermSocket": HandlerKind.TERMINAL_SOCKET,
    "NbconvertFileHandler": HandlerKind.NBCONVERT_FILE,
    "PathResolverHandler": HandlerKind.PATH_RESOLVER,
    "SubscribeWebsocket": HandlerKind.EVENTS,
    "EventHandler": HandlerKind.EVENT_EMITTER,
    "YDocWebSocketHandler": HandlerKind.ROOM,
    "CollaborationRoomHandler": HandlerKind.READ_ONLY_ROOM,  # jupyter_rbac.collaboration's
    "UndoRedoHandler": HandlerKind.ROOM_TOOL,
    "DocForkHandler": HandlerKind.ROOM_TOOL,
    "DocSessionHandler": HandlerKind.DOCUMENT_SESSION,
    "FileIDHandler": HandlerKind.FILE_ID,
    "FilePathHandler": HandlerKind.FILE_PATH,
    "LanguageServerWebSocketHandler": HandlerKind.LANGUAGE_SERVER,
    "CollaboratorsStreamHandler": HandlerKind.COLLABORATORS,
}


# Each class's kind, found once: the Authorizer asks on every request. Handler classes are few
# (the server's routes, each wrapped once by the guard).
_KIND_OF_CLASS: dict[type, HandlerKind | None] = {}


def kind_of(handler: Any) -> HandlerKind | None:
    """What `handler` (an instance or a class) is, if jupyter-rbac knows its kind."""
    cls = handler if isinstance(handler, type) else type(handler)
    try:
        return _KIND_OF_CLASS[cls]
    except KeyError:
        kind = _KIND_OF_CLASS[cls] = next(
            (KNOWN_HANDLERS[k.__name__] for k in cls.__mro__ if k.__name__ in KNOWN_HANDLERS),
            None,
        )
        return kind
