"""The demo world: real SCN member cities, 24 months of posts, crimes, surveys and programme records, with a
documented planted link between hateful posts and next month's hate crimes (docs/demo-world.md)."""

from __future__ import annotations

from scn.demo.inbox import generate
from scn.demo.spec import MONTHS, PLANTED_RATE_RATIO
from scn.demo.world import World, simulate

__all__ = ["MONTHS", "PLANTED_RATE_RATIO", "World", "generate", "simulate"]
