"""dagster-dbt, imported without dbt-core where this project does not need it: the one place the Dagster layer
imports ``dagster_dbt`` from (tests/transforms/test_dbt_lib.py checks both claims below).

dagster-dbt imports dbt-core's Python modules when they are installed (``dagster_dbt.compat``): ~1.3 CPU s of
class building (dbt's mashumaro dataclasses), half the code location's load and of an incremental `scn run`'s
start, and evaluates ``@dbt_assets``' selection with dbt's selector over the whole manifest. This project needs
neither in the Dagster process: dbt runs as a subprocess (``ScnDbtCliResource``, which opens no dbt adapter
here), ``@dbt_assets`` selects every node (the default selection, which dagster-dbt reads from the manifest
itself without dbt-core), and a subset's dbt arguments are built from the manifest's names. So dagster-dbt is
imported as it is beside dbt Fusion (no dbt-core): its own stand-ins for dbt's status and node-type enums,
with the same string values. The asset graph (keys, dependencies, groups, checks, tags, metadata) is the same
either way. A process that imported dbt-core before (a test, a script) keeps dagster-dbt's dbt-core path.
"""

import sys

if "dagster_dbt" not in sys.modules and "dbt.version" not in sys.modules:
    sys.modules["dbt.version"] = None  # type: ignore[assignment]  # dagster_dbt.compat: "dbt-core not installed"
    try:
        import dagster_dbt  # noqa: F401
    finally:
        if sys.modules.get("dbt.version", 0) is None:
            del sys.modules["dbt.version"]  # dbt-core importable again by whatever else needs it

from dagster_dbt import (  # noqa: E402
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    DbtProjectPreparer,
    dbt_assets,
)

__all__ = ["DagsterDbtTranslator", "DagsterDbtTranslatorSettings", "DbtCliInvocation", "DbtCliResource",
           "DbtProject", "DbtProjectPreparer", "dbt_assets"]
