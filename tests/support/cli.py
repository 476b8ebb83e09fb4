"""Run the installed `scn` console script against a home, and point this process (or a child's environment)
at a home."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
DEMO_SEED = 11


def scn_env(home: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with SCN_HOME=home and DAGSTER_HOME=home/dagster; ``env`` adds or overrides
    variables."""
    return {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"), **(env or {})}


def scn(*args: str, home: Path, check: bool = True, input: str | None = None, timeout: int = 900,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed `scn` console script with SCN_HOME=home (and DAGSTER_HOME=home/dagster); ``env`` adds
    or overrides variables. With ``check``, a non-zero exit fails with the command's output."""
    proc = subprocess.run([str(BIN / "scn"), *args], env=scn_env(home, env), capture_output=True, text=True,
                          input=input, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"scn {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout[-4000:]}\n"
                             f"stderr:\n{proc.stderr[-8000:]}")
    return proc


@contextmanager
def env_vars(values: Mapping[str, str]) -> Iterator[None]:
    """This process's environment with ``values`` set for the duration, as it was after."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def scn_home(home: Path) -> Iterator[Path]:
    """Point this process's SCN_HOME (and DAGSTER_HOME) at ``home`` for the duration."""
    with env_vars({"SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}):
        yield home


def unit_tests_passed(home: Path, env: Mapping[str, str] | None = None) -> None:
    """Record in ``home``'s dbt state that this dbt project's unit tests passed (as a whole build that ran them
    records it), so that its next whole build skips them: they test the project's SQL, not the home's data, and
    the suite runs them all elsewhere (the demo home's first build, tests/support/dbt_world.py's tiny world,
    tests/pipeline/test_incremental.py). Nothing else of the state is written or removed: a home not built whole
    by this project stays so (its next build is whole). ``env``: the settings the home's runs will have (the
    project's fingerprint counts the smallest group)."""
    from assets.transforms.state import project_fingerprint, state_path
    from scn.hashing import read_state, write_state

    with env_vars(env or {}), scn_home(home):
        path = state_path()
        write_state(path, {**read_state(path), "unit_tests": project_fingerprint()})
