"""The test suite's wall time, before and after, side by side in one run.

Runs the whole pytest suite of an earlier revision (by default issue 14's tree, the one issue 15
measured: one process, as its `make test` ran it) and then this tree's (as `make test` runs it
now: a pytest-xdist worker per core), one after the other on this machine, and prints both with
their test counts and the ratio. Lint and types are not included: they are the same few seconds
either side.

    .venv/bin/python bench/suite.py                      # before = 935e6eb, unpacked and set up
    .venv/bin/python bench/suite.py --before-tree DIR    # an earlier checkout with its .venv

The earlier revision is unpacked with `git archive` into bench/.suite/REV (ignored by git) and
gets its own virtualenv the first time (a few minutes). Both runs read ../shared/real-media when
it is there, as CI does. Nothing else should run on the machine meanwhile.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ISSUE_14_TREE = "935e6eb"
SUMMARY = re.compile(r"^=*\s*(?P<words>\d+ (?:passed|failed).*?) in (?P<seconds>[\d.]+)s")


@dataclass(frozen=True)
class Run:
    seconds: float
    summary: str

    @property
    def passed(self) -> int:
        found = re.search(r"(\d+) passed", self.summary)
        return int(found.group(1)) if found else 0


def unpack(revision: str) -> Path:
    """The tree at `revision`, unpacked beside a link to ../shared, with a virtualenv."""
    where = HERE / ".suite" / revision
    if not (where / "pyproject.toml").exists():
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", revision],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(where, filter="data")
    shared = REPO.parent / "shared"
    link = where.parent / "shared"  # the tests look for real media in ../shared from the tree
    if shared.exists() and not link.exists():
        link.symlink_to(shared)
    stamp = where / ".venv" / ".installed"
    if not stamp.exists():
        print(f"setting up {revision} (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(where / ".venv")], check=True)
        pip = [str(where / ".venv" / "bin" / "pip"), "install", "--quiet"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-e", ".[test]"], check=True, cwd=where)
        stamp.touch()
    return where


def run_suite(tree: Path, extra: list[str]) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VFB_")}
    command = [str(tree / ".venv" / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", *extra]
    print(f"running {' '.join(command[1:])} in {tree}…", flush=True)
    began = time.monotonic()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - began
    lines = [line for line in done.stdout.splitlines() if SUMMARY.match(line)]
    summary = SUMMARY.match(lines[-1]).group("words") if lines else "no summary"  # type: ignore[union-attr]
    if done.returncode != 0:
        print(done.stdout[-3000:], file=sys.stderr)
    return Run(seconds, summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=ISSUE_14_TREE, help="the earlier revision")
    parser.add_argument("--before-tree", type=Path, help="an earlier checkout with its .venv")
    parser.add_argument("--workers", default="auto", help="pytest-xdist workers after")
    args = parser.parse_args()
    before_tree = args.before_tree.resolve() if args.before_tree else unpack(args.before)
    before = run_suite(before_tree, [])
    after = run_suite(REPO, ["-n", args.workers, "--dist", "worksteal"])
    cores = os.cpu_count()
    print()
    print(
        f"the whole pytest suite, wall time, on this machine ({cores} cores), one after the other"
    )
    print(f"{'':32} {'seconds':>9} {'tests passed':>13}  summary")
    print(f"{'before (' + before_tree.name + ', one process)':32} {before.seconds:9.0f} "
          f"{before.passed:13d}  {before.summary}")  # fmt: skip
    print(f"{'after (this tree, -n ' + args.workers + ')':32} {after.seconds:9.0f} "
          f"{after.passed:13d}  {after.summary}")  # fmt: skip
    ratio = after.seconds / before.seconds
    print(f"after / before: {ratio:.2f} (the issue asks for 0.50 or less)")


if __name__ == "__main__":
    main()
