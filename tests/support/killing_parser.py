"""A parser that kills its own process on named files (as the out-of-memory killer would), for the inbox walk's
tests of parser deaths (tests/ingest/test_parser_crash.py). Importable by the pool's worker processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

from scn.ingest import pipeline
from scn.ingest.model import Parsed, Source
from scn.settings import settings

REAL_PARSE = pipeline._parse


def killing_parse(src: Source) -> Parsed:
    """The platform's parser, in a process killed (as by the OOM killer) on the files named in ``<home>/kills``
    (``*``: every file); every file it is given is noted in ``<home>/parsed``. Runs in the pool's workers (they
    import this module), which use the caller's settings, hence its home; never the test's own process."""
    home = Path(settings().home)
    with open(home / "parsed", "a", encoding="utf-8") as fh:
        fh.write(src.path.name + "\n")
    kills = (home / "kills").read_text().split() if (home / "kills").exists() else []
    if src.path.name in kills or "*" in kills:
        if multiprocessing.parent_process() is None:
            raise RuntimeError(f"{src.path.name} would kill the test's own process")
        os.kill(os.getpid(), signal.SIGKILL)
    return REAL_PARSE(src)
