"""scripts/bench.py's incremental entry names the seconds of each Dagster step, read from the run's log."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


def _bench():  # noqa: ANN202 - the scripts/bench.py module
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_step_seconds_reads_dagster_s_step_durations() -> None:
    line = ('2026-12-07 08:52:{s} +0000 - dagster - DEBUG - __ASSET_JOB - 0f - 1 - {step} - STEP_SUCCESS - '
            'Finished execution of step "{step}" in {took}.')
    out = "\n".join([line.format(s="07", step="ingest_social", took="1.28s"),
                     line.format(s="08", step="lake__post_labels", took="322ms"),
                     "2026-12-07 08:52:09 +0000 - dagster - INFO - a log line that names no step duration",
                     line.format(s="10", step="ingest_social", took="20ms"),  # a second run of the same step
                     line.format(s="11", step="scn_dbt_models", took="8.5s"),
                     line.format(s="12", step="serving__snapshot", took="1m4s"),  # Dagster's longer formats
                     line.format(s="13", step="analysis__correlations", took="1h2m"),
                     line.format(s="14", step="freshness_check", took="8.3ms")])
    steps = _bench().step_seconds(out)
    assert steps == {"analysis__correlations": 3720.0, "serving__snapshot": 64.0, "scn_dbt_models": 8.5,
                     "ingest_social": 1.3, "lake__post_labels": 0.322, "freshness_check": 0.008}
    assert list(steps)[:3] == ["analysis__correlations", "serving__snapshot", "scn_dbt_models"]  # longest first
