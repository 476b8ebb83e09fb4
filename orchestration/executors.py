"""The executor of daemon-launched runs (sensor, schedules, UI): parallel steps, one step per city partition at a
time; ``SCN_EXECUTOR=k8s`` (the deploy/k8s chart) runs each step in a Kubernetes pod of its own (dagster-k8s),
``SCN_EXECUTOR=celery`` (deploy/celery) each step as a task on the Celery workers (dagster-celery), and
``SCN_EXECUTOR=in_process`` every step in the run's own process. One step tagged ``scn/writes-warehouse`` at a time
in a run; across runs and on Celery, the instance's limit of the ``duckdb_warehouse`` pool."""

from dagster import ExecutorDefinition, in_process_executor, multiprocess_executor

from scn.settings import settings


def step_limits() -> dict:
    """Steps of one run at a time (``SCN_MAX_CONCURRENT``), at most one per ``scn/city`` tag value, one warehouse
    writer."""
    return {"max_concurrent": settings().max_concurrent,
            "tag_concurrency_limits": [{"key": "scn/city", "value": {"applyLimitPerUniqueValue": True},
                                        "limit": 1},
                                       {"key": "scn/writes-warehouse", "limit": 1}]}


def step_executor() -> ExecutorDefinition:
    """The executor ``SCN_EXECUTOR`` names: multiprocess (default) or k8s with the step limits, celery, in_process."""
    if settings().executor == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor.configured(step_limits())
    if settings().executor == "celery":
        from dagster_celery import celery_executor

        from orchestration.celery_app import celery_config

        return celery_executor.configured(celery_config())
    if settings().executor == "in_process":
        return in_process_executor
    return multiprocess_executor.configured(step_limits())
