"""Kernels' ZeroMQ ports (issue 18, TCP): every kernel the server starts listens on ports of
c.RBAC.kernel_ports, and code in a sandbox may not connect to them. A kernel's IOPub channel is a
PUB socket that needs no key: whoever connects reads that kernel's output.

A runner's confined kernel is refused (PermissionError: Landlock answers EACCES, while nothing
listening would be ConnectionRefusedError) a TCP connection to an editor's kernel, which an
administrator's unconfined kernel reaches; it still connects to a port outside the range, and to
its own ports (a kernel may be its own client).

The server builds a confined kernel's TCP rules ahead (port_layers.py): the kernel that finds a
layer ready takes its ports and its rules; one that finds none (a restart keeps its ports) has
its launcher build them. Either way the same ports are refused.
"""

from __future__ import annotations

import asyncio
import socket

import pytest
from jupyter_client.connect import LocalPortCache
from traitlets import TraitError

from jupyter_rbac.config import RBAC
from jupyter_rbac.sandbox.kernel_ports import PORT_NAMES, KernelPortsExhausted, free_ports
from jupyter_rbac.sandbox.landlock import NET_ABI, abi_version
from jupyter_rbac.sandbox.port_layers import PortLayer, PortLayers
from jupyter_rbac.sandbox.provisioner import SandboxProvisioner

from .support.kernels import run_code, start_kernel

pytestmark = pytest.mark.slow  # a server with kernels in it

FIRST, LAST = 21000, 21999  # the default range
needs_net_rules = pytest.mark.skipif(
    abi_version() < NET_ABI, reason=f"Landlock ABI {NET_ABI} (TCP rules) is not available here"
)


def ports_of(jp_serverapp, kernel_id: str) -> dict[str, int]:
    manager = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    return {name: getattr(manager, name) for name in PORT_NAMES}


def connects(port: int) -> str:
    """Code that prints "ok" if a TCP connection to `port` opens, else the error's name."""
    return (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=5).close()\n"
        "    print('ok')\n"
        "except OSError as error:\n"
        "    print(type(error).__name__)"
    )


@pytest.fixture
def listener():
    """A listening socket outside the range (an ephemeral port), as a database would be."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        assert not FIRST <= server.getsockname()[1] <= LAST
        yield server.getsockname()[1]


@needs_net_rules
async def test_confined_code_cannot_reach_another_kernels_ports(
    runner, editor, admin, jp_serverapp, listener
):
    theirs = await start_kernel(editor)
    mine = await start_kernel(runner)
    unconfined = await start_kernel(admin)
    ports = {kernel: ports_of(jp_serverapp, kernel) for kernel in (theirs, mine, unconfined)}
    every = [port for each in ports.values() for port in each.values()]
    assert all(FIRST <= port <= LAST for port in every), ports
    assert len(set(every)) == len(every)  # no two kernels share a port

    iopub = ports[theirs]["iopub_port"]
    assert await run_code(runner, mine, connects(iopub)) == "PermissionError"
    assert await run_code(runner, mine, connects(ports[theirs]["shell_port"])) == (
        "PermissionError"
    )
    assert await run_code(runner, mine, connects(listener)) == "ok"
    assert await run_code(runner, mine, connects(ports[mine]["shell_port"])) == "ok"
    # the port is open: an administrator's kernel, unconfined, connects to it
    assert await run_code(admin, unconfined, connects(iopub)) == "ok"
    assert await run_code(admin, unconfined, "print(6 * 7)") == "42"


@needs_net_rules
async def test_a_restarted_kernel_keeps_its_ports_and_its_rules(runner, editor, jp_serverapp):
    theirs = await start_kernel(editor)
    mine = await start_kernel(runner)
    before = ports_of(jp_serverapp, mine)
    status, _ = await runner.post("api", "kernels", mine, "restart")
    assert status == 200
    assert ports_of(jp_serverapp, mine) == before
    iopub = ports_of(jp_serverapp, theirs)["iopub_port"]
    assert await run_code(runner, mine, connects(iopub)) == "PermissionError"


async def test_without_five_free_ports_no_kernel_starts(admin, monkeypatch):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        monkeypatch.setattr(SandboxProvisioner, "kernel_ports", (port - 4, port))
        status, answer = await admin.post("api", "kernels", body={"name": "python3"})
    assert status == 503, answer
    assert f"c.RBAC.kernel_ports ({port - 4}-{port})" in answer["message"]


def test_too_few_free_ports_refuse_the_start_and_keep_none():
    cache = LocalPortCache.instance()
    before = set(cache.currently_used_ports)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(KernelPortsExhausted, match="of the 5 ports it needs") as refused:
            free_ports("127.0.0.1", port - 4, port, 5)
    assert refused.value.status_code == 503
    assert "c.RBAC.kernel_ports" in refused.value.log_message
    assert cache.currently_used_ports == before  # what it found first is given back


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("21000", "must be FIRST-LAST"),
        ("a-b", "must be FIRST-LAST"),
        ("", "must be FIRST-LAST"),
        ("22000-21000", "FIRST must not be more than LAST"),
        ("80-2000", "within 1024-65535"),
        ("65000-70000", "within 1024-65535"),
        ("21000-21003", "at least 5 ports"),
    ],
)
def test_a_wrong_range_is_refused_naming_the_problem(value, problem):
    with pytest.raises(TraitError, match=problem):
        RBAC(kernel_ports=value)
    assert RBAC(kernel_ports=" 30000 - 30004 ").kernel_ports == "30000-30004"


# -- TCP rules built ahead -------------------------------------------------------------------------


async def ready_layer(layers: PortLayers) -> PortLayer:
    """The layer `layers` has ready, once built (it is built on a thread of the server)."""
    layers.prepare()
    for _ in range(500):
        if layers.ready is not None:
            return layers.ready
        await asyncio.sleep(0.02)
    raise AssertionError("no TCP layer was built in 10 seconds")


@needs_net_rules
async def test_a_confined_kernel_takes_the_tcp_rules_built_ahead(runner, editor, jp_serverapp):
    theirs = await start_kernel(editor)
    layers = SandboxProvisioner.port_layers
    assert layers is not None  # the server builds them: Landlock ABI 4 and a range
    layer = await ready_layer(layers)
    mine = await start_kernel(runner)
    assert list(ports_of(jp_serverapp, mine).values()) == layer.ports
    assert layer.closed  # the server closed its copy once the kernel started
    for port in ports_of(jp_serverapp, theirs).values():
        assert await run_code(runner, mine, connects(port)) == "PermissionError"
    assert await run_code(runner, mine, connects(layer.ports[0])) == "ok"  # its own shell
    following = await ready_layer(layers)  # the next confined kernel's, on its way at the start
    assert not set(following.ports) & set(layer.ports)


@needs_net_rules
async def test_without_rules_built_ahead_the_launcher_builds_them(
    runner, editor, jp_serverapp, monkeypatch
):
    monkeypatch.setattr(SandboxProvisioner, "port_layers", None)
    theirs = await start_kernel(editor)
    mine = await start_kernel(runner)
    iopub = ports_of(jp_serverapp, theirs)["iopub_port"]
    assert await run_code(runner, mine, connects(iopub)) == "PermissionError"


async def test_an_unconfined_kernel_leaves_the_rules_built_ahead(admin, jp_serverapp):
    layers = SandboxProvisioner.port_layers
    if layers is None:
        pytest.skip(f"no TCP rules are built ahead here (Landlock ABI {NET_ABI} is needed)")
    layer = await ready_layer(layers)
    kernel = await start_kernel(admin)
    assert layers.ready is layer
    assert not set(ports_of(jp_serverapp, kernel).values()) & set(layer.ports)


@needs_net_rules
async def test_a_layer_whose_port_was_taken_meanwhile_is_given_up():
    cache = LocalPortCache.instance()
    layers = PortLayers("127.0.0.1", 23000, 23099)
    try:
        layer = await ready_layer(layers)
        assert set(layer.ports) <= cache.currently_used_ports  # reserved while it waits
        with socket.create_server(("127.0.0.1", layer.ports[2])):
            assert layers.take("127.0.0.1", 23000, 23099) is None
        assert not set(layer.ports) & cache.currently_used_ports  # given back
        assert layers.ready is None
        other = await ready_layer(layers)
        assert layers.take("127.0.0.1", 23000, 23200) is None  # another range: not for it
        assert not set(other.ports) & cache.currently_used_ports
    finally:
        layers.close()


@needs_net_rules
async def test_a_server_that_stops_drops_its_layers_even_one_being_built():
    cache = LocalPortCache.instance()
    layers = PortLayers("127.0.0.1", 23100, 23199)
    layers.prepare()
    building = layers._building
    reserved = set(cache.currently_used_ports)
    layers.close()
    building.join(timeout=30)
    assert layers.ready is None
    layers.prepare()  # closed: builds nothing
    assert layers._building is building
    gone = reserved - cache.currently_used_ports
    assert len(gone) == len(PORT_NAMES) and all(23100 <= port <= 23199 for port in gone)


# -- the debugger ----------------------------------------------------------------------------------


async def test_kernels_offer_no_debugger_another_user_could_take_over(editor, admin, jp_serverapp):
    """debugpy's adapter and endpoints listen on random ports and take the first client: another
    user's code attached first and ran code in the kernel (outside testers, rounds 3 and 4)."""
    for client in (editor, admin):  # a confined kernel and an unconfined one
        kernel = await start_kernel(client)
        connection = jp_serverapp.kernel_manager.get_kernel(kernel).client()
        connection.start_channels()
        try:
            info = await connection.kernel_info(reply=True, timeout=60)
            assert "debugger" not in info["content"].get("supported_features", []), info
            request = {"type": "request", "seq": 1, "command": "initialize", "arguments": {}}
            connection.control_channel.send(connection.session.msg("debug_request", request))
            reply = await connection.control_channel.get_msg(timeout=60)
            assert not (reply["content"] or {}).get("success"), reply["content"]
        finally:
            connection.stop_channels()
        assert await run_code(client, kernel, "print(get_ipython().kernel.debugger)") == "None"
        listed = await run_code(client, kernel, "print('_jupyter_rbac_no_debugger' in dir())")
        assert listed == "False"  # the start-up file leaves nothing in the user's namespace
