"""The inbox's city folders: which cities have files waiting (light: the Dagster code location lists them)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scn.settings import paths

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def inbox_city_ids(kinds: Iterable[str]) -> list[str]:
    """City ids that have a folder under ``inbox/<kind>/`` for any of ``kinds`` (sorted; only names that can be
    city ids: a folder named otherwise, or a link, is not a city, and its files are recorded as failures)."""
    inbox = paths().inbox
    return sorted({p.name for kind in kinds if (inbox / kind).is_dir()
                   for p in (inbox / kind).iterdir()
                   if not p.is_symlink() and p.is_dir() and SLUG.match(p.name)})
