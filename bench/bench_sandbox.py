"""The sandbox's cost: a kernel's start, and file-heavy code inside it, with and without (issue 18).

A user without `all` starts kernels through the launcher (`python -m jupyter_rbac.sandbox --
KERNEL ARGV`, jupyter_rbac/sandbox/__main__.py): it enters a Landlock domain built from the
user's plan (`Sandboxes.plan_for`), then runs the kernel as its child (and ends with it all it started). Measured here, both
variants through the server's kernel provisioner (`rbac-sandbox-provisioner`, ports from a range
of its own) and alternated in one run (A B A B ...):

- the launcher alone (sandboxes.LAUNCHER, then `/bin/true`) against `/bin/true`, each started by
  the same subprocess call, with its TCP rules built by itself and built ahead (port_layers.py);
- a kernel's start, from start_kernel (with, for the confined kernel, building its plan from
  the disk, as the server does) to its first kernel_info reply, against a kernel without a plan;
  confined kernels take the TCP rules the server builds ahead, as in the server (the next one
  is built on a thread of this process while the kernel starts); clients retry a kernel not
  yet listening every 5 ms, not ZeroMQ's 100 ms (see Kernels.start);
- a file-heavy loop, timed inside the kernel: create, write, read, stat, rename and delete 2,000
  small files in the user's own folder, and walk the tree of them; with the served folder on
  disk (the system's temporary folder), then in memory (/dev/shm, tmpfs), where a disk busy with
  others' work does not drown the sandbox's own cost.

The plan is a real one: a policy in which `ann` is a runner in the group `team` (their code
writes home/ann and shared/team and reads the whole served folder), over a temporary served
folder that holds Jupyter's data, runtime and config folders and the policy database, as when
`jupyter lab` starts in a home folder. Skipped (exit 0) where Landlock is not available.

    python bench/bench_sandbox.py [--rounds 20] [--loops 15] [--launches 60] [--memory-folder DIR]

The provisioner is found through its entry point: install jupyter-rbac (pip install -e .) first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import zmq
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.provisioning import KernelProvisionerFactory
from jupyter_core.paths import (
    jupyter_config_dir,
    jupyter_config_path,
    jupyter_data_dir,
    jupyter_runtime_dir,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from jupyter_rbac.enforcement.contents_check import Launch
from jupyter_rbac.model import Catalog
from jupyter_rbac.policy import Policy
from jupyter_rbac.sandbox.environment import off_the_import_path
from jupyter_rbac.sandbox.folders import CodeFolders
from jupyter_rbac.sandbox.landlock import abi_version, program_layer
from jupyter_rbac.sandbox.places import SQLITE_COMPANIONS
from jupyter_rbac.sandbox.plan import PLAN_VARIABLE, SandboxPlan
from jupyter_rbac.sandbox.provisioner import PROVISIONER_NAME, SandboxProvisioner
from jupyter_rbac.sandbox.rules import ServerPlaces, interpreter_software
from jupyter_rbac.sandbox.sandboxes import LANDLOCK, LAUNCHER, Sandboxes
from jupyter_rbac.services import RBACService
from jupyter_rbac.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from results import Report, median, percentile

USER, GROUP = "ann", "team"
# What a runner's code reaches (the default role `runner`, in the group `team`).
RUNNERS_FOLDERS = CodeFolders(write=(f"home/{USER}", f"shared/{GROUP}"), read=("",))
# c.RBAC.kernel_ports for these kernels: not the default range, which tests running beside
# the benchmark use
KERNEL_PORTS = "24000-24999"
FILES = 2_000
TIMEOUT = 120  # seconds for a kernel's first answer on a busy machine
RECONNECT_MS = 5  # how often a client retries a kernel that does not listen yet (see Kernels.start)

# Defined once in each kernel; each round calls it on a new folder and prints its seconds.
LOOP = textwrap.dedent(
    """
    import os, time

    def _bench_files(base, count, per_folder=100):
        begin = time.perf_counter()
        os.mkdir(base)
        folders = [os.path.join(base, f"d{i:02d}") for i in range(max(1, count // per_folder))]
        for folder in folders:
            os.mkdir(folder)
        names = [os.path.join(folders[i % len(folders)], f"f{i:05d}.txt") for i in range(count)]
        payload = b"x" * 256
        for name in names:
            with open(name, "wb") as out:
                out.write(payload)
        for name in names:
            with open(name, "rb") as source:
                source.read()
        for name in names:
            os.stat(name)
        renamed = [name[:-4] + ".dat" for name in names]
        for old, new in zip(names, renamed):
            os.rename(old, new)
        seen = sum(len(files) for _, _, files in os.walk(base))
        for name in renamed:
            os.remove(name)
        for folder in folders:
            os.rmdir(folder)
        os.rmdir(base)
        took = time.perf_counter() - begin
        assert seen == count, seen
        return took
    """
)


class Server:
    """A served folder with Jupyter's state inside it, its policy, and its sandboxes."""

    def __init__(self, folder: str) -> None:
        self.root = Path(os.path.realpath(folder)) / "server"
        data = self.root / ".local" / "share" / "jupyter"
        runtime, config = data / "runtime", self.root / ".jupyter"
        for place in (runtime, config, f"home/{USER}", f"shared/{GROUP}", "projects"):
            (self.root / place).mkdir(parents=True, exist_ok=True)
        (self.root / "projects" / "plan.txt").write_text("the plan")
        data.chmod(0o700)  # as Jupyter makes it
        # Jupyter's state where places.py looks for it (the kernels' connection files included)
        os.environ.update(
            JUPYTER_DATA_DIR=str(data),
            JUPYTER_RUNTIME_DIR=str(runtime),
            JUPYTER_CONFIG_DIR=str(config),
        )
        database = str(data / "rbac.sqlite")
        self.store = Store.open(f"sqlite:///{database}")
        RBACService(self.store, Catalog()).ensure_defaults()
        self.store.create_group(GROUP)
        self.store.create_user(USER, roles=["runner"], groups=[GROUP])
        self.policy = Policy(self.store, Catalog())
        self.sandboxes = Sandboxes(
            LANDLOCK, places_of(str(self.root), database), self.policy, kernel_ports=KERNEL_PORTS
        )
        self.launch = Launch(USER, self.policy.permissions(USER))

    def plan(self) -> SandboxPlan:
        """The runner's plan, as the server builds it for each start (from the disk)."""
        sandbox = self.sandboxes.plan_for(self.launch, "starting a kernel")
        assert sandbox is not None, "the runner's code would run unconfined"
        plan, folders = sandbox
        assert folders == RUNNERS_FOLDERS, folders
        return plan

    def close(self) -> None:
        self.store.close()


def places_of(root: str, database: str) -> ServerPlaces:
    """The server's places as sandbox/places.py finds them (from Jupyter's paths; no ServerApp)."""
    protected = [
        jupyter_data_dir(),
        jupyter_runtime_dir(),
        jupyter_config_dir(),
        *jupyter_config_path(),
        *(database + suffix for suffix in SQLITE_COMPANIONS),
    ]
    return ServerPlaces(
        root=root,
        protected=tuple(sorted({os.path.realpath(path) for path in protected})),
        homes=str(Path(jupyter_data_dir()) / "rbac-sandbox"),
        software=interpreter_software(),
    )


def kernel_environment() -> tuple[dict[str, str], list[str]]:
    """The environment and extra arguments every Python kernel of the server starts with."""
    environment = dict(os.environ)
    environment.pop(PLAN_VARIABLE, None)
    spec = KernelSpecManager().get_kernel_spec("python3")
    return environment, off_the_import_path(spec, environment, [])


async def output_of(client, code: str) -> str:
    """What `code` prints in the kernel of `client`; RuntimeError if it raises."""
    printed: list[str] = []

    def hook(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    reply = await client.execute_interactive(
        code, store_history=False, output_hook=hook, timeout=TIMEOUT
    )
    if reply["content"]["status"] != "ok":
        content = reply["content"]
        raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
    return "".join(printed).strip()


def probe(root: Path) -> str:
    """Code that prints whether it could write in a folder a runner only reads."""
    target = str(root / "projects" / "probe.txt")
    return (
        f"try:\n    open({target!r}, 'w').close()\n    __import__('os').remove({target!r})\n"
        "    print('written')\nexcept PermissionError:\n    print('refused')"
    )


class Kernels:
    """Starts kernels as the server does: unconfined, or with the runner's plan."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.environment, self.extra = kernel_environment()
        self.cwd = str(server.root / "home" / USER)

    async def start(self, confined: bool):
        """A started kernel, its client (ready), and the seconds from the start to its
        first kernel_info reply."""
        begin = time.perf_counter()
        environment = dict(self.environment)
        if confined:
            environment[PLAN_VARIABLE] = self.server.plan().to_json()
        manager = AsyncKernelManager(kernel_name="python3")
        await manager.start_kernel(env=environment, cwd=self.cwd, extra_arguments=self.extra)
        client = manager.client()
        # ZeroMQ retries a refused connection every 100 ms, counted from start_channels, here
        # right after the kernel's process starts: a client would see every start rounded up to
        # the next 100 ms, a step larger than the 10% the start may cost. Retried every 5 ms,
        # the time is the kernel's own (the delay a user sees, on average over when their
        # browser connects).
        client.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        client.start_channels()
        await client.wait_for_ready(timeout=TIMEOUT)
        took = time.perf_counter() - begin
        return manager, client, took

    async def check(self, client, confined: bool) -> None:
        """The kernel is confined, or not, as asked (else the figures would mean nothing)."""
        answer = await output_of(client, probe(self.server.root))
        expected = "refused" if confined else "written"
        assert answer == expected, f"a {'confined' if confined else 'free'} kernel: {answer}"

    @staticmethod
    async def stop(manager, client) -> None:
        client.stop_channels()
        await manager.shutdown_kernel()


def use_the_provisioner(server: Server) -> None:
    """Kernels start through our provisioner, with ports from KERNEL_PORTS (as in the server)."""
    factory = KernelProvisionerFactory.instance()
    if PROVISIONER_NAME not in factory.provisioners:
        sys.exit(
            f"the kernel provisioner {PROVISIONER_NAME!r} is not installed: pip install -e ."
            " (its entry point registers it)"
        )
    factory.default_provisioner_name = PROVISIONER_NAME
    SandboxProvisioner.kernel_ports = server.sandboxes.kernel_ports
    # confined kernels' TCP rules, built ahead on a thread of this process, as the server does
    SandboxProvisioner.port_layers = server.sandboxes.port_layers()


def bench_launcher(server: Server, report: Report, launches: int) -> None:
    """`/bin/true`, `python -c pass` and the launcher running `/bin/true`, in turn."""
    environment, _ = kernel_environment()
    plan = server.plan()
    confined = {**environment, PLAN_VARIABLE: plan.to_json()}
    variants = {
        "true": (["/bin/true"], environment),
        "python": ([sys.executable, "-c", "pass"], environment),
        "launcher": ([*LAUNCHER, "/bin/true"], confined),
        "layered": ([*LAUNCHER, "/bin/true"], None),  # with TCP rules built ahead: see below
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    said = set()
    for index in range(launches + 1):  # the first round warms the caches
        for name, (command, env) in variants.items():
            layer = None
            if env is None:  # built before the start, as the server's port layers are
                layer = program_layer(plan.tcp_denied, scope_signals=True).ruleset
                layered = SandboxPlan.from_json(plan.to_json())
                layered.tcp_denied, layered.tcp_layer = [], layer
                env = {**environment, PLAN_VARIABLE: layered.to_json()}
            begin = time.perf_counter()
            done = subprocess.run(
                command,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                pass_fds=() if layer is None else (layer,),
            )
            took = time.perf_counter() - begin
            if layer is not None:
                os.close(layer)
            assert done.returncode == 0, f"{name}: exit {done.returncode}: {done.stderr}"
            if done.stderr.strip() and done.stderr not in said:
                said.add(done.stderr)
                print(f"  ({name} said: {done.stderr.strip()})")
            if index:
                times[name].append(took)
    entries = sum(len(value) for value in plan.to_dict().values() if isinstance(value, list))
    true50, true90 = percentile(times["true"], 0.5), percentile(times["true"], 0.9)
    report.add(f"/bin/true by subprocess.run, p50 ({launches} runs)", true50 * 1e3, "ms")
    report.add(f"/bin/true by subprocess.run, p90 ({launches} runs)", true90 * 1e3, "ms")
    report.add(
        "python -c pass by subprocess.run, p50",
        percentile(times["python"], 0.5) * 1e3,
        "ms",
        baseline="/bin/true p50",
        baseline_value=true50 * 1e3,
    )
    for share, base in ((0.5, true50), (0.9, true90)):
        report.add(
            f"launcher with the runner's plan, then /bin/true, p{round(share * 100)}",
            percentile(times["launcher"], share) * 1e3,
            "ms",
            baseline=f"/bin/true p{round(share * 100)}",
            baseline_value=base * 1e3,
            note=f"{entries} paths and port ranges in the plan" if share == 0.5 else "",
        )
    report.add(
        "launcher with the runner's plan and its TCP rules built ahead, then /bin/true, p50",
        percentile(times["layered"], 0.5) * 1e3,
        "ms",
        baseline="/bin/true p50",
        baseline_value=true50 * 1e3,
    )


async def bench_starts(kernels: Kernels, report: Report, rounds: int) -> None:
    """Kernel starts, unconfined and confined in turn; each kernel shut down before the next."""
    times: dict[bool, list[float]] = {False: [], True: []}
    plans = []
    for index in range(rounds + 1):  # the first round warms the caches, and checks the kernels
        for confined in (False, True):
            manager, client, took = await kernels.start(confined)
            if index == 0:
                await kernels.check(client, confined)
            else:
                times[confined].append(took)
            await kernels.stop(manager, client)
        begin = time.perf_counter()
        kernels.server.plan()
        plans.append(time.perf_counter() - begin)
    free, confined = times[False], times[True]
    report.add(
        "building the runner's plan from the disk (plan_for), p50",
        percentile(plans, 0.5) * 1e3,
        "ms",
    )
    for share, target in ((0.5, 1.10), (0.9, None)):
        name = f"p{round(share * 100)}"
        base = percentile(free, share)
        report.add(f"kernel start to first reply, unconfined, {name} ({rounds} each)", base, "s")
        value = percentile(confined, share)
        extra = (
            {"target": f"ratio <= {target:.2f}", "met": value / base <= target} if target else {}
        )
        report.add(
            f"kernel start to first reply, confined, {name}",
            value,
            "s",
            baseline=f"unconfined {name}",
            baseline_value=base,
            **extra,
        )


async def bench_files(kernels: Kernels, report: Report, loops: int, where: str) -> None:
    """The file loop in a long-lived kernel of each kind, in turn."""
    running = {}
    for confined in (False, True):
        manager, client, _ = await kernels.start(confined)
        await kernels.check(client, confined)
        await output_of(client, LOOP)
        running[confined] = (manager, client)
    base = kernels.server.root / "home" / USER
    times: dict[bool, list[float]] = {False: [], True: []}
    try:
        for index in range(loops + 1):  # the first round warms the caches
            for confined, (_, client) in running.items():
                folder = str(base / f"bench-files-{'confined' if confined else 'free'}-{index}")
                took = float(await output_of(client, f"print(_bench_files({folder!r}, {FILES}))"))
                if index:
                    times[confined].append(took)
    finally:
        for manager, client in running.values():
            await kernels.stop(manager, client)
    free, confined = median(times[False]), median(times[True])
    what = f"file loop, served folder {where}"
    report.add(f"{what}, unconfined, median ({loops} each)", free * 1e3, "ms")
    report.add(
        f"{what}, confined, median",
        confined * 1e3,
        "ms",
        baseline="unconfined median",
        baseline_value=free * 1e3,
        target="ratio <= 1.05",
        met=confined / free <= 1.05,
    )


async def run(args: argparse.Namespace, report: Report) -> None:
    """Everything on a served folder in the system's temporary folder, then the file loop again
    on one in memory (tmpfs): the sandbox's own cost, without a busy disk's."""
    places = [(tempfile.gettempdir(), "on disk")]
    if args.memory_folder and os.path.isdir(args.memory_folder):
        places.append((args.memory_folder, "in memory"))
    for index, (parent, how) in enumerate(places):
        folder = tempfile.mkdtemp(prefix="rbac-bench-sandbox-", dir=parent)
        server = Server(folder)
        try:
            use_the_provisioner(server)
            kernels = Kernels(server)
            print(f"a runner's kernels over {server.root}:", flush=True)
            if index == 0:
                print("the launcher alone:", flush=True)
                bench_launcher(server, report, args.launches)
                print("kernel starts, unconfined and confined in turn:", flush=True)
                await bench_starts(kernels, report, args.rounds)
            print(f"the file loop inside the kernels, in turn ({how}):", flush=True)
            await bench_files(kernels, report, args.loops, f"{how} ({parent})")
        finally:
            if SandboxProvisioner.port_layers is not None:
                SandboxProvisioner.port_layers.close()
            server.close()
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="kernel starts of each kind")
    parser.add_argument("--loops", type=int, default=15, help="file loops in each kernel")
    parser.add_argument("--launches", type=int, default=60, help="launcher runs")
    parser.add_argument(
        "--memory-folder",
        default="/dev/shm",
        help="a tmpfs folder for the file loop without the disk ('' to skip)",
    )
    parser.add_argument("--json", help="save the figures here (for bench/suite.py)")
    args = parser.parse_args()

    report = Report("the sandbox's cost")
    abi = abi_version()
    if abi == 0:
        print("skipped: Landlock is not available on this machine (no sandbox to measure)")
        report.add("Landlock ABI", 0, "", note="not available: skipped")
        report.save(args.json)
        return 0
    report.add("Landlock ABI of this kernel", abi, "")
    asyncio.run(run(args, report))
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
