"""Parsers for tests of the parse pool, importable by its worker processes: each decides from the file name what to
do (parse, fail as a file, raise something unforeseen and unpicklable, or kill its process)."""

from __future__ import annotations

import os

import pandas as pd

from scn.ingest.model import Parsed, Source
from scn.ingest.result import IngestError
from scn.privacy.pseudonyms import PseudonymKeyError
from scn.settings import settings


class Unpicklable(Exception):
    """An exception a worker cannot send back as it is (its constructor needs two arguments; it holds a lambda)."""

    def __init__(self, message: str, extra: int) -> None:
        super().__init__(f"{message}\nsecond line")
        self.hook = lambda: extra


def faulty(src: Source) -> Parsed:
    """What the file's name asks for; a normal parse records the process and the settings it ran with."""
    name = src.path.name
    if name.startswith("die"):
        os._exit(3)  # a crash in a C library, or the kernel's OOM killer
    if name.startswith("bad"):
        raise IngestError(f"{name}: not a usable file")
    if name.startswith("odd"):
        raise Unpicklable(f"{name}: something nobody foresaw", 7)
    if name.startswith("key"):
        raise PseudonymKeyError("the key is too short")
    frame = pd.DataFrame({"file": [name], "pid": [os.getpid()], "suppress_below": [settings().suppress_below],
                          "home": [str(settings().home)]})
    return Parsed({"probe": frame}, "probe")


def parse_in_daemon(folder: str, names: list[str], out) -> None:
    """Run in a daemonic process (as a Celery worker's are): parse ``names`` through the pool, report the pids."""
    from pathlib import Path

    from scn.ingest.parse_pool import parsed_in_order

    srcs = (Source(Path(folder) / n, Path(folder) / n, "social", "london", n) for n in names)
    got = [o.tables["probe"]["pid"].iloc[0] for _, o in parsed_in_order(faulty, srcs, len(names), workers=2)]
    out.put((os.getpid(), got))
