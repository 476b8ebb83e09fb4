"""Where the platform keeps its state, and the settings that come from the environment.

Everything the platform writes lives under ``$SCN_HOME`` (default ``./.scn``); originals are archived under
``$SCN_ARCHIVE`` (default ``$SCN_HOME/archive``). See docs/CONTRACTS.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KINDS = ("social", "survey", "programme", "crime", "boundaries", "cities")


@dataclass(frozen=True)
class Paths:
    """Resolved locations of the platform's state."""

    home: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        return self.home / "serving"

    @property
    def serving_current(self) -> Path:
        return self.serving / "current"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets"

    @property
    def archive(self) -> Path:
        env = os.environ.get("SCN_ARCHIVE")
        return Path(env).resolve() if env else self.home / "archive"

    def table(self, name: str) -> Path:
        """Folder of a lake table (one Parquet part per ingested file)."""
        return self.lake / name

    def ensure(self) -> Paths:
        for p in (self.inbox, self.lake, self.serving, self.dagster_home, self.secrets, self.archive):
            p.mkdir(parents=True, exist_ok=True)
        return self


def scn_home() -> Path:
    """The state root: ``$SCN_HOME`` or ``./.scn``, made absolute."""
    return Path(os.environ.get("SCN_HOME", ".scn")).resolve()


def paths() -> Paths:
    """Paths for the current environment (read each call, so tests can switch SCN_HOME)."""
    return Paths(scn_home())


def h3_resolution() -> int:
    """Default H3 resolution for cells (``SCN_H3_RES``, default 8: about 0.7 km2)."""
    return int(os.environ.get("SCN_H3_RES", "8"))


def suppress_below() -> int:
    """Counts below this are suppressed on anything shown or exported outside staff (``SCN_SUPPRESS_BELOW``)."""
    return int(os.environ.get("SCN_SUPPRESS_BELOW", "5"))
