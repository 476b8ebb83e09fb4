"""After each publish: new alerts to the cities' subscribers (immediately), and the daily digests (the first run
of a UTC day that has something to send)."""

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from assets.keys import SNAPSHOT_KEY
from assets.resources import ServingResource
from assets.retry import retry_policy, transient_only

NOTIFICATIONS_KEY = AssetKey(["alerts", "notifications"])


@asset(retry_policy=retry_policy(), key=NOTIFICATIONS_KEY, group_name="alerts", deps=[SNAPSHOT_KEY],
       description="Sends each newly published alert once to every subscriber of its city (e-mail through "
                   "SCN_SMTP_*, or webhook), immediately or in a daily digest, as the city's official sees it "
                   "(small counts suppressed, no post text); what was sent is recorded in alerts/inbox.sqlite.")
@transient_only
def alert_notifications(serving_store: ServingResource) -> MaterializeResult:
    from scn.alerts.notifier import notify
    from scn.ops.notify import notify as tell_data_team

    with serving_store.scope():
        sent = notify("immediate") + notify("digest")
        failed = [r for r in sent if r["status"] != "sent"]
        if failed:  # a subscriber's server is down: the data team hears of it, the next run tries again
            tell_data_team("SCN alert notifications failed", f"{len(failed)} of {len(sent)} messages not sent",
                           failures=[{k: r[k] for k in ("city_id", "channel", "target", "status")} for r in failed])
    return MaterializeResult(metadata={
        "messages": len(sent), "failed": len(failed),
        "alerts_sent": sum(len(r["alerts"]) for r in sent if r["status"] == "sent"),
        "sent": MetadataValue.json([{k: r[k] for k in ("city_id", "channel", "mode", "status")} for r in sent][:50])})
