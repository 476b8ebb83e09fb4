"""The Dagster code location: every domain's Definitions merged into one connected graph, from inbox files to
the serving snapshot, with the executor daemon-launched runs use.

Load with ``dagster dev -m orchestration.definitions`` (``make ui``) or run in process with ``scn run``.
Each domain (``assets/<domain>/defs.py``) holds its assets, checks, sensors and schedules; this module only
merges them.
"""

from dagster import Definitions

from assets.alerts.defs import defs as alerts_defs
from assets.analysis.defs import defs as analysis_defs
from assets.collect.defs import defs as collect_defs
from assets.enrich.defs import defs as enrich_defs
from assets.ingest.defs import defs as ingest_defs
from assets.maintenance.defs import defs as maintenance_defs
from assets.publish.defs import defs as publish_defs
from assets.publish.health import use_full_graph
from assets.review.defs import defs as review_defs
from assets.transforms.defs import defs as transforms_defs
from orchestration.executors import step_executor

DOMAINS = (ingest_defs, collect_defs, enrich_defs, transforms_defs, analysis_defs, review_defs, publish_defs,
           alerts_defs, maintenance_defs)

executor = step_executor()  # multiprocess, or a Kubernetes pod per step (SCN_EXECUTOR=k8s)

defs = Definitions.merge(*(domain() for domain in DOMAINS), Definitions(executor=executor))
use_full_graph(defs.resolve_asset_graph)  # the data-health tables list every asset, whatever a run selected
