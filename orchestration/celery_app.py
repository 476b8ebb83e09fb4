"""The Celery app of the celery executor (``SCN_EXECUTOR=celery``, deploy/celery/README.md): the workers run
``celery -A orchestration.celery_app worker -Q dagster``. Broker and result backend come from the settings, the
same values the executor in orchestration/definitions.py submits the steps with."""

from dagster_celery.executor import CeleryExecutor
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from scn.settings import settings


def celery_config() -> dict[str, str]:
    """``broker`` and ``backend`` of the Celery app (``SCN_CELERY_BROKER``, ``SCN_CELERY_BACKEND``)."""
    s = settings()
    return {"broker": s.celery_broker, "backend": s.celery_backend or s.celery_broker}


app = make_app(CeleryExecutor.for_cli(**celery_config()).app_args())
execute_plan = create_task(app)  # the one task the executor sends: run one step of a run
