"""The Kubernetes profile (deploy/k8s): the chart rendered by Helm's own engine (helm-python-sdk binds Helm's Go
SDK, so this is `helm lint` + `helm template` without a helm binary), every object checked against the Kubernetes
API schema, and the Dagster parts checked against dagster's and dagster-k8s's own config schemas."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "k8s" / "scn-platform"
KUBERNETES = "1.33.0"
SECRETISH = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$|PRIVATE", re.IGNORECASE)
IMAGE = "registry.test/scn-platform:1.2.3"
OVERRIDES = {"image": {"repository": "registry.test/scn-platform", "tag": "1.2.3"},
             "postgres": {"host": "pg.test", "passwordSecret": "pg-test"}, "envSecrets": ["scn-test-secrets"]}


def render(values: dict | None = None) -> list[dict]:
    from helm_python import Chart

    with Chart.load(CHART) as chart:
        rendered = chart.render(values=values, name="scn", namespace="scn")
    return [doc for text in rendered.values() for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return render(OVERRIDES)


def by_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def containers(objects: list[dict]) -> list[dict]:
    return [c for d in by_kind(objects, "Deployment") for c in d["spec"]["template"]["spec"]["containers"]]


def instance(objects: list[dict]) -> dict:
    (cm,) = [o for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-instance")]
    return yaml.safe_load(cm["data"]["dagster.yaml"])


def env_map(objects: list[dict]) -> dict[str, str]:
    (cm,) = [o for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-env")]
    return cm["data"]


def test_chart_lints_and_every_object_is_valid_kubernetes(objects: list[dict]) -> None:
    import kubernetes_validate
    from helm_python import lint

    report = lint(CHART, values=OVERRIDES, strict=True)
    assert report["errors"] == [] and all(m["severity"] <= 1 for m in report["messages"]), report
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "ConfigMap", "ServiceAccount", "Role", "RoleBinding",
            "PersistentVolumeClaim"} <= kinds
    for obj in objects:
        kubernetes_validate.validate(obj, KUBERNETES, strict=True)  # raises on any schema violation
    with pytest.raises(kubernetes_validate.ValidationError):  # the check bites
        kubernetes_validate.validate({**objects[0], "data": {"n": 1}}, KUBERNETES, strict=True)


def test_runs_launch_as_kubernetes_jobs_on_postgres_storage(objects: list[dict]) -> None:
    from dagster._config import validate_config
    from dagster._core.instance.config import dagster_instance_config_schema
    from dagster_k8s import K8sRunLauncher
    from dagster_postgres import DagsterPostgresStorage

    inst = instance(objects)
    assert validate_config(dagster_instance_config_schema(), inst).success
    launcher = inst["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    checked = validate_config(K8sRunLauncher.config_type(), launcher["config"])
    assert checked.success, checked.errors
    cfg = launcher["config"]
    assert cfg["job_image"] == IMAGE and cfg["job_namespace"] == "scn"
    assert cfg["postgres_password_secret"] == "pg-test" and cfg["env_secrets"] == ["scn-test-secrets"]
    assert cfg["instance_config_map"] == "scn-scn-platform-instance"
    for res in (cfg["resources"], cfg["run_k8s_config"]["container_config"]["resources"]):
        assert set(res) == {"requests", "limits"} and all(set(res[k]) == {"cpu", "memory"} for k in res)
    pg = inst["storage"]["postgres"]
    assert validate_config(DagsterPostgresStorage.config_type(), pg).success
    assert pg["postgres_db"]["hostname"] == "pg.test"
    assert pg["postgres_db"]["password"] == {"env": "DAGSTER_PG_PASSWORD"}
    assert inst["concurrency"]["pools"]["default_limit"] == 1  # one warehouse writer


def test_images_and_commands_point_at_our_code(objects: list[dict]) -> None:
    import importlib.util

    deployments = {d["metadata"]["labels"]["app.kubernetes.io/component"]: d for d in by_kind(objects, "Deployment")}
    assert set(deployments) == {"user-code", "webserver", "daemon", "dashboards"}
    assert all(c["image"] == IMAGE for c in containers(objects))
    (code,) = deployments["user-code"]["spec"]["template"]["spec"]["containers"]
    cmd = code["command"]
    assert cmd[:3] == ["dagster", "api", "grpc"] and cmd[cmd.index("-m") + 1] == "orchestration.definitions"
    assert importlib.util.find_spec("orchestration.definitions") is not None
    assert {"name": "DAGSTER_CURRENT_IMAGE", "value": IMAGE} in code["env"]
    (ws,) = [o for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-workspace")]
    grpc = yaml.safe_load(ws["data"]["workspace.yaml"])["load_from"][0]["grpc_server"]
    services = {s["metadata"]["name"]: s for s in by_kind(objects, "Service")}
    assert services[grpc["host"]]["spec"]["ports"][0]["port"] == grpc["port"] == int(cmd[cmd.index("-p") + 1])
    for name in ("webserver", "daemon"):
        (c,) = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert c["command"][0] in ("dagster-webserver", "dagster-daemon") and "-w" in c["command"]
    (dash,) = deployments["dashboards"]["spec"]["template"]["spec"]["containers"]
    assert dash["command"][:2] == ["scn", "serve"]


def test_every_container_has_requests_and_limits(objects: list[dict]) -> None:
    for c in containers(objects):
        res = c["resources"]
        assert set(res) == {"requests", "limits"}, c["name"]
        assert all(set(res[k]) == {"cpu", "memory"} for k in res), c["name"]


def test_no_secret_value_in_the_manifests(objects: list[dict]) -> None:
    assert not by_kind(objects, "Secret")
    assert not [k for k in env_map(objects) if SECRETISH.search(k)]
    for c in containers(objects):
        for e in c.get("env", []):
            if SECRETISH.search(e["name"]):
                assert "value" not in e and "secretKeyRef" in e["valueFrom"], e
        refs = [r["secretRef"]["name"] for r in c.get("envFrom", []) if "secretRef" in r]
        assert refs == ["scn-test-secrets"], c["name"]
    pg_env = [e for c in containers(objects) for e in c.get("env", []) if e["name"] == "DAGSTER_PG_PASSWORD"]
    assert pg_env and all(e["valueFrom"]["secretKeyRef"] == {"name": "pg-test", "key": "postgresql-password"}
                          for e in pg_env)
    text = json.dumps(objects)
    assert not re.search(r'"password"\s*:\s*"', text)  # a password is only ever an env or secret reference


def test_the_k8s_executor_and_the_dbt_target_are_what_the_chart_selects(objects: list[dict]) -> None:
    env = env_map(objects)
    assert env["SCN_EXECUTOR"] == "k8s" and env["SCN_HOME"] == "/data/scn"
    profiles = yaml.safe_load((REPO / "transforms" / "profiles.yml").read_text())
    assert env["DBT_TARGET"] in profiles["scn"]["outputs"] and "motherduck" in profiles["scn"]["outputs"]
    from dagster._config import validate_config
    from dagster_k8s import k8s_job_executor

    from orchestration.executors import step_executor, step_limits
    from scn.settings import override

    with override(executor=env["SCN_EXECUTOR"]):
        assert step_executor().name == "k8s"
        assert validate_config(k8s_job_executor.config_schema.config_type, step_limits()).success
    assert step_executor().name == "multiprocess"  # the default outside the chart


def test_values_resize_the_pods() -> None:
    bigger = {**OVERRIDES, "stepPod": {"resources": {"requests": {"cpu": "3", "memory": "6Gi"},
                                                     "limits": {"cpu": "4", "memory": "12Gi"}}}}
    cfg = instance(render(bigger))["run_launcher"]["config"]
    assert cfg["resources"]["limits"]["memory"] == "12Gi"
