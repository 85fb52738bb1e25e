"""Bad input answered as bad input: a 400 (or 404) that says what is wrong with the request,
never a 500, whichever handler of the server meets it. The guard asks these before a handler
runs (`require_json_object`; the shape of each core route's body is core_bodies.py's) and when a
handler lets an error escape (`bad_input_answer`)."""

from __future__ import annotations

from typing import Any

from jupyter_client.kernelspec import NoSuchKernel
from jupyter_server.base.handlers import APIHandler
from nbformat import ValidationError as NBFormatError
from tornado import web

from ..limits import MAX_JSON_DEPTH

TOO_DEEP = f"the request body nests deeper than this server reads (at most {MAX_JSON_DEPTH} levels)"


# What a request's path can make the file system say, as an answer that names no server folder.
_DISK_ANSWERS: dict[type, tuple[int, str]] = {
    FileNotFoundError: (404, "No such file or folder: a folder on the way does not exist"),
    NotADirectoryError: (
        404,
        "No such file or folder: a file stands where the path needs a folder",
    ),
    IsADirectoryError: (400, "The path names a folder where a file is needed"),
}


# Routes whose path names a file of the server root: there a missing folder is the request's fault.
FILE_RESOURCES = frozenset({"contents", "nbconvert"})


# What jupyter_server's save raises (and wraps in a 500) reading a model that is not one.
MALFORMED_MODEL = (KeyError, AttributeError, TypeError, ValueError, NBFormatError)


def bad_input_answer(exception: BaseException | None, on_files: bool) -> web.HTTPError | None:
    """The 4xx for an error that only bad input causes (a handler's json.loads meeting a body
    nested too deeply; on a file route, a path whose folder is missing, which jupyter_server's
    contents manager lets escape as a 500), else None: other errors stay the server's own."""
    saving = False
    if isinstance(exception, web.HTTPError) and exception.status_code == 500:
        saving = "while saving file" in (exception.log_message or "")
        exception = exception.__cause__  # jupyter_server's save wraps what went wrong in a 500
    if isinstance(exception, RecursionError):
        return web.HTTPError(400, TOO_DEEP)
    if isinstance(exception, UnicodeDecodeError):  # a body or argument that is not UTF-8 text
        return web.HTTPError(400, "The request is not UTF-8 text")
    if isinstance(exception, NoSuchKernel):  # a kernel asked for by a name no kernel spec has
        return web.HTTPError(
            400, f"No kernel type named {exception.args[0] if exception.args else ''!r}"
        )
    if not on_files:
        return None
    for kind, (status, message) in _DISK_ANSWERS.items():
        if isinstance(exception, kind):
            return web.HTTPError(status, message)
    if saving and isinstance(exception, MALFORMED_MODEL):  # a model the save could not read
        return web.HTTPError(
            400, f"The model to save is not valid: {type(exception).__name__} {exception}"
        )
    return None


def require_json_object(handler: Any) -> None:
    """The JSON APIs of the server (jupyter_server's, JupyterLab's, collaboration's, ours) take a
    JSON object as a body; anything else is a 400 here, before a handler calls `.get` on a list
    or a string (a 500 in several of them)."""
    if not isinstance(handler, APIHandler) or handler.request.method not in (
        "POST",
        "PUT",
        "PATCH",
    ):
        return
    body = handler.request.body.lstrip()
    if body and not body.startswith(b"{"):
        raise web.HTTPError(400, "The request body must be a JSON object")
