"""Run-failure alerts through the notification channel (scn.ops.notify: a log file by default, webhook by config)."""


from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from scn.ops.notify import notify


@run_failure_sensor(name="run_failure_alert", default_status=DefaultSensorStatus.RUNNING,
                    monitor_all_code_locations=False)
def run_failure_alert(context: RunFailureSensorContext) -> None:
    run = context.dagster_run
    steps = [e.step_key for e in context.get_step_failure_events()]
    notify(f"SCN pipeline run failed: {run.job_name}", context.failure_event.message or "run failed",
           run_id=run.run_id, job=run.job_name, failed_steps=steps, tags=dict(run.tags))
