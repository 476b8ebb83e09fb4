"""Parse inbox files in worker processes while the ingesting process loads them, in the order given.

Parsing (reading, validating, masking, pseudonymising) is pure: it reads the archived copy and the lake, and
writes nothing. Loading (deduplicating against the lake and writing) stays in the caller, one file at a time in
the inbox's order, so what lands is exactly what a serial ingest would land. When a parser's process dies (a crash
in a C library, the out-of-memory killer, a module that fails to import) the pool is replaced, the files it had in
flight are parsed again one by one, each in a process of its own, and the other files go on; a file whose process
dies again comes back as ``ParserDied``, which the caller weighs (the inbox walk: ``pipeline.ingest_inbox``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scn.ingest.model import Parsed, Source
from scn.ingest.result import IngestError, first_line
from scn.privacy.pseudonyms import PseudonymKeyError
from scn.settings import restore_overrides, settings

MIN_FILES = 4  # fewer files are parsed in the calling process: starting workers would cost more than it saves
MAX_AUTO_WORKERS = 4
PRELOAD = ["scn.ingest.parsers"]  # imported once by the fork server: each worker starts with them loaded
log = logging.getLogger(__name__)

Outcome = Parsed | BaseException  # the parse, or what it raised


class ParserCrash(Exception):
    """What an unforeseen parser error becomes on its way back from a worker (any exception type, pickled or not):
    its type's name and its first line."""

    def __init__(self, type_name: str, detail: str) -> None:
        super().__init__(type_name, detail)
        self.type_name, self.detail = type_name, detail

    def __str__(self) -> str:
        return self.detail


class ParserDied(ParserCrash):
    """The parser's process died on this file twice (in the pool, then alone): killed by a signal (the
    out-of-memory killer), a crash in a C library, or a worker that could not even start (a module failing to
    import). It may be the file's doing or the machine's: the outcome says only that the process died."""

    def __init__(self, type_name: str = "ParserProcessDied",
                 detail: str = "the parser's process died on this file (a crash or out of memory)") -> None:
        super().__init__(type_name, detail)


def worker_count(configured: int, files: int) -> int:
    """Processes to parse ``files`` files with: ``configured`` (0: one per core, at most 4), never more than the
    files, and 1 (parse in the caller) below ``MIN_FILES`` files."""
    if files < MIN_FILES:
        return 1
    wanted = configured or min(os.cpu_count() or 1, MAX_AUTO_WORKERS)
    return max(1, min(wanted, files))


def attempt(parse: Callable[[Source], Parsed], src: Source) -> Outcome:
    """``parse(src)``, or the exception it raised (returned, not raised: the caller decides what a failure
    means)."""
    try:
        return parse(src)
    except Exception as exc:  # noqa: BLE001 - handed to the caller, which records or re-raises it
        return exc


def _portable(outcome: Outcome) -> Outcome:
    """An outcome that survives pickling: the platform's own errors as they are, anything else as ParserCrash."""
    if isinstance(outcome, IngestError | PseudonymKeyError):
        return type(outcome)(str(outcome))
    if isinstance(outcome, BaseException):
        log.debug("parser error in a worker", exc_info=outcome)
        return ParserCrash(type(outcome).__name__, first_line(outcome))
    return outcome


def _work(parse: Callable[[Source], Parsed], src: Source) -> Outcome:
    return _portable(attempt(parse, src))


def _init(saved: dict) -> None:
    """Each worker uses exactly the caller's settings (its environment and overrides alike)."""
    restore_overrides([saved])


def _pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")  # never fork the caller: it may hold threads and locks
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init,
                               initargs=(settings().model_dump(),))


def _alone(parse: Callable[[Source], Parsed], src: Source) -> Outcome:
    """Parse ``src`` in a process of its own (after a pool broke: was it this file?); ``ParserDied`` when that
    process dies too."""
    try:
        with _pool(1) as pool:
            return pool.submit(_work, parse, src).result()
    except BrokenProcessPool:
        return ParserDied()


def parsed_in_order(parse: Callable[[Source], Parsed], sources: Iterable[Source], count: int,
                    workers: int) -> Iterator[tuple[Source, Outcome]]:
    """(source, outcome) for each of ``sources`` (``count`` of them), in their order. ``workers`` > 1 parses in
    that many processes, at most twice as many files ahead of the caller (memory stays bounded whatever the
    backlog); ``sources`` is consumed only as fast as the files are parsed."""
    size = worker_count(workers, count) if not multiprocessing.current_process().daemon else 1
    if size <= 1:  # a daemonic process (a Celery worker's) may not have children: it is one of several anyway
        for src in sources:
            yield src, attempt(parse, src)
        return
    pool = _pool(size)
    window: deque[tuple[Source, Future]] = deque()
    try:
        for src in sources:
            try:
                window.append((src, pool.submit(_work, parse, src)))
            except BrokenProcessPool:  # broke since the last result: a new pool for what comes next
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(size)
                window.append((src, pool.submit(_work, parse, src)))
            while len(window) >= 2 * size:
                yield _settle(parse, *window.popleft())
        while window:
            yield _settle(parse, *window.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _settle(parse: Callable[[Source], Parsed], src: Source, future: Future) -> tuple[Source, Outcome]:
    try:
        return src, future.result()
    except BrokenProcessPool:
        log.warning("a parser process died while %s was in flight: parsing it again alone", src.display)
        return src, _alone(parse, src)
