"""What one ingest returns, and the error raised when a file cannot be used at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class IngestError(Exception):
    """A file that cannot be used at all; the message is one line naming the file and the problem."""


@dataclass
class IngestResult:
    """Counts of one ingested file. Always ``rows_read == accepted + quarantined + duplicates``."""

    file: str
    kind: str
    city_id: str | None
    rows_read: int
    accepted: int
    quarantined: int
    duplicates: int
    archived_to: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        """The contract keys (plus ``sha256``); ``errors`` holds the first 20 ``{row, field, reason}``."""
        return {"file": self.file, "kind": self.kind, "city_id": self.city_id, "rows_read": self.rows_read,
                "accepted": self.accepted, "quarantined": self.quarantined, "duplicates": self.duplicates,
                "archived_to": self.archived_to, "errors": self.errors[:20], "sha256": self.sha256}
