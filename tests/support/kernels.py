"""Running code in a real kernel through the server, as JupyterLab does: start it over REST, send
an execute request over its channels websocket, collect what it prints."""

from __future__ import annotations

import asyncio
import json

from .kernel_messages import execute_request

TIMEOUT = 60  # a kernel's first answer includes starting it (here: also its sandbox)


class KernelError(AssertionError):
    """The code raised: `ename` is the exception's class name, `evalue` its message."""

    def __init__(self, ename: str, evalue: str, traceback: list[str]):
        super().__init__(f"{ename}: {evalue}\n" + "\n".join(traceback))
        self.ename, self.evalue = ename, evalue


async def start_kernel(client, name: str = "python3", path: str | None = None) -> str:
    body: dict = {"name": name}
    if path is not None:
        body["path"] = path
    status, kernel = await client.post("api", "kernels", body=body)
    assert status == 201, (status, kernel)
    return kernel["id"]


async def run_code(client, kernel_id: str, code: str) -> str:
    """What `code` prints in the kernel; KernelError if it raises."""
    connection = await client.websocket("api", "kernels", kernel_id, "channels")
    try:
        request = execute_request(code)
        msg_id = json.loads(request)["header"]["msg_id"]
        await connection.write_message(request)
        printed = []
        while True:
            raw = await asyncio.wait_for(connection.read_message(), TIMEOUT)
            assert raw is not None, f"closed: {connection.close_code} {connection.close_reason}"
            message = json.loads(raw)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            content = message["content"]
            if message["msg_type"] == "stream":
                printed.append(content["text"])
            elif message["msg_type"] == "error":
                raise KernelError(content["ename"], content["evalue"], content["traceback"])
            elif message["msg_type"] == "status" and content["execution_state"] == "idle":
                return "".join(printed).strip()
    finally:
        connection.close()


async def shell_prints(client, command: str) -> str:
    """What `command` prints (stdout and stderr, on one line) in a new terminal of `client`'s."""
    status, terminal = await client.post("api", "terminals")
    assert status == 200, terminal
    shell = await client.websocket("terminals", "websocket", terminal["name"])
    try:
        line = f"echo \"<<$( ( {command} ) 2>&1 | tr '\\n' ' ')>>\"\r"
        await shell.write_message(json.dumps(["stdin", line]))
        seen = ""
        while True:
            raw = await asyncio.wait_for(shell.read_message(), TIMEOUT)
            assert raw is not None, f"closed: {shell.close_code} {shell.close_reason}"
            kind, *payload = json.loads(raw)
            if kind == "stdout":
                seen += payload[0]
            # the echoed command itself shows `<<$(`: wait for the printed line
            for piece in seen.split("<<")[1:]:
                if not piece.startswith("$") and ">>" in piece:
                    return piece.split(">>")[0].strip()
    finally:
        shell.close()
        await client.delete("api", "terminals", terminal["name"])
