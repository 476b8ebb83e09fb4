"""What one ingest returns, the error raised when a file cannot be used at all, and the safe spelling of names
(file names need not be valid UTF-8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scn.oneline import printable

__all__ = ["IngestError", "IngestResult", "first_line", "printable"]


def first_line(exc: BaseException, limit: int = 200) -> str:
    """An exception's message as recorded for an unforeseen error: its first line, at most ``limit`` characters."""
    return (str(exc).splitlines() or [""])[0][:limit]


class IngestError(Exception):
    """A file that cannot be used at all; the message is one line naming the file and the problem (always
    printable: see ``printable``)."""

    def __init__(self, message: object = "") -> None:
        super().__init__(printable(message))


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
    sheet: str | None = None  # the workbook sheet that was read (XLSX), else None
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"code": ..., params} (docs/your-data.md)

    def to_json(self) -> dict[str, Any]:
        """The contract keys (plus ``sha256`` and ``sheet``); ``errors`` holds the first 20 ``{row, field,
        reason}``; ``warnings`` the ``{code, ...params}`` of what the file lacks (docs/your-data.md)."""
        return {"file": self.file, "kind": self.kind, "city_id": self.city_id, "rows_read": self.rows_read,
                "accepted": self.accepted, "quarantined": self.quarantined, "duplicates": self.duplicates,
                "archived_to": self.archived_to, "errors": self.errors[:20], "sha256": self.sha256,
                "sheet": self.sheet, "warnings": self.warnings}
