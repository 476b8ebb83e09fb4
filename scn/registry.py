"""City identifiers."""

from __future__ import annotations

import re
import unicodedata


def slugify(name: str) -> str:
    """Lowercase ASCII slug of a city name: "Al-Karak" -> "al-karak", "Medellín" -> "medellin"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"\(.*?\)", "", ascii_name)
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
