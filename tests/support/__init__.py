"""Test helpers that exist once: servers (start, wait, stop), the headless browser, and the `scn` CLI runner."""
