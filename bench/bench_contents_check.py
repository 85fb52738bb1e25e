"""The file manager's own check (`jupyter_rbac/enforcement/contents_check.py`): what it costs a folder
listing, the request that computes the most disk paths.

Two of jupyter_server's real `AsyncLargeFileManager`s over one folder of 1,000 files in the same
process: the baseline as jupyter_server ships it, and one with jupyter-rbac's check mixed in,
inside a request that the Authorizer allowed on the folder. They list the folder alternately;
the figure is the ratio of the median times.

    python bench/bench_contents_check.py [--files 1000 --rounds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from jupyter_rbac.enforcement import contents_check


async def listing_seconds(manager: AsyncLargeFileManager) -> float:
    contents_check.begin_request().paths.add("big")  # as the guard and the Authorizer leave it
    start = time.perf_counter()
    await manager.get("big")
    return time.perf_counter() - start


async def measure(files: int, rounds: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "big").mkdir()
        for i in range(files):
            (Path(root) / "big" / f"f{i}.txt").write_text("x")
        plain, checked = AsyncLargeFileManager(root_dir=root), AsyncLargeFileManager(root_dir=root)
        contents_check.install(checked)
        baseline, ours = [], []
        for _ in range(rounds):
            baseline.append(await listing_seconds(plain))
            ours.append(await listing_seconds(checked))
        return statistics.median(baseline), statistics.median(ours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    baseline, ours = asyncio.run(measure(args.files, args.rounds))
    print(f"listing {args.files:,} files, median of {args.rounds} alternating rounds")
    print(f"  jupyter_server's file manager        {baseline * 1e3:8.1f} ms")
    print(f"  with jupyter-rbac's check            {ours * 1e3:8.1f} ms   {ours / baseline:.3f}x")
    print(f"  cost per entry                       {(ours - baseline) / args.files * 1e6:8.1f} us")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
