"""Each collect test gets its own empty SCN_HOME (``home``, from tests/support/homes.py)."""

from tests.support.homes import home

__all__ = ["home"]
