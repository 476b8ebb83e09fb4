"""Maintenance assets: the retention policy for raw posts."""


from dagster import AssetKey, MaterializeResult, asset

from assets.keys import analysis_key, lake_key
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only


@asset(retry_policy=retry_policy(), key=AssetKey(["maintenance", "post_retention"]), group_name="maintenance",
       deps=[lake_key("post_labels"), analysis_key("alerts")],
       description="Erases text, pseudonym and url of posts older than SCN_POST_RETENTION_DAYS (unset: kept). "
                   "Runs after classification and the coordinated-posting scan, so counts never change.")
@transient_only
def post_retention(lake: LakeResource) -> MaterializeResult:
    from scn.ops.retention import redact_old_posts, retention_days

    with lake.scope():
        summary = redact_old_posts()
    return MaterializeResult(metadata={"retention_days": retention_days() or 0, **{
        k: (v if v is not None else "disabled") for k, v in summary.items()}})
