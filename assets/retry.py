"""Retries with exponential backoff, for transient failures only.

A locked DuckDB file (another writer), a timeout or a dropped connection is retried up to ``SCN_RETRIES``
times (default 3) after ``SCN_RETRY_DELAY`` seconds (default 2), doubling each time, with jitter. Any other
error (bad data, a bug, a failed dbt test) fails the step at once: retrying it would only delay the alert.
Every step is safe to repeat: ingest is idempotent by natural key and every other asset rewrites its output.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

import duckdb
from dagster import Backoff, Failure, Jitter, RetryPolicy, RetryRequested

from scn.settings import settings

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    duckdb.IOException,  # "Could not set lock on file": another process holds the DuckDB file
    TimeoutError,
    ConnectionError,
    BlockingIOError,
    InterruptedError,
)


def retry_policy() -> RetryPolicy:
    """The platform's policy for every asset step (configured by SCN_RETRIES and SCN_RETRY_DELAY)."""
    s = settings()
    return RetryPolicy(max_retries=s.retries, delay=s.retry_delay,
                       backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)


def _permanent(exc: Exception) -> Failure:
    return Failure(description=f"{type(exc).__name__}: {exc} (not transient: not retried)", allow_retries=False)


def transient_only(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Let only TRANSIENT_ERRORS reach the retry policy; turn any other error into a non-retried Failure."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except (Failure, RetryRequested, *TRANSIENT_ERRORS):
                raise
            except Exception as exc:
                raise _permanent(exc) from exc
        return gen

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (Failure, RetryRequested, *TRANSIENT_ERRORS):
            raise
        except Exception as exc:
            raise _permanent(exc) from exc
    return call
