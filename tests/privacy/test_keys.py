"""The key ring is checked when a process starts, and operators make keys with the CLI."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from iurc.cli.app import app
from iurc.codec import EncryptionCodec, KeyRing, ServicePayloadConverter, data_converter
from iurc.settings import Settings
from tests.temporal_support import TEST_CODEC_KEYS

KEY = base64.b64encode(bytes(32)).decode()
SHORT = base64.b64encode(bytes(16)).decode()


@pytest.fixture(autouse=True)
def no_iurc_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IURC_CODEC_KEYS", "IURC_CODEC_ACTIVE_KEY", "IURC_CODEC_SERVER_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_CODEC_KEYS", f"new:{KEY}, old:{KEY}")
    monkeypatch.setenv("IURC_CODEC_ACTIVE_KEY", "old")
    settings = Settings()
    converter = data_converter(settings.key_ring())
    assert isinstance(converter.payload_codec, EncryptionCodec)
    assert converter.payload_codec.ring.ids == ["new", "old"]
    assert converter.payload_codec.ring.active == "old"
    assert KEY not in repr(settings)
    assert KEY not in repr(converter.payload_codec.ring)


def test_the_first_key_is_active_by_default() -> None:
    assert KeyRing.parse(TEST_CODEC_KEYS).active == "test-2"


def test_without_keys_the_service_converter_is_used_unencrypted() -> None:
    converter = data_converter(Settings().key_ring())
    assert converter.payload_codec is None
    assert converter.payload_converter_class is ServicePayloadConverter


@pytest.mark.parametrize(
    ("keys", "active", "message"),
    [
        (f"k1:{SHORT}", None, "key 'k1' is 16 bytes; AES-256-GCM needs 32"),
        (f"k1:{KEY},k2:not base64!", None, "key 'k2' is not valid base64"),
        (f"k1:{KEY},{KEY}", None, "entry 2 is not `id:base64key`"),
        (f"k1:{KEY},k1:{KEY}", None, "key 'k1' is listed twice"),
        (f"k1:{KEY}", "k2", "the active key 'k2' is not in the key ring"),
        (f"k 1:{KEY}", None, "key id 'k 1' must be"),
    ],
)
def test_unusable_keys_are_refused_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, keys: str, active: str | None, message: str
) -> None:
    monkeypatch.setenv("IURC_CODEC_KEYS", keys)
    if active is not None:
        monkeypatch.setenv("IURC_CODEC_ACTIVE_KEY", active)
    with pytest.raises(ValidationError, match=message) as refused:
        Settings()
    assert KEY not in str(refused.value), "an error must never echo a key"
    assert SHORT not in str(refused.value)


def test_an_active_key_without_keys_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_CODEC_ACTIVE_KEY", "k1")
    with pytest.raises(ValidationError, match="IURC_CODEC_KEYS is not"):
        Settings()


def test_production_requires_codec_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_ENVIRONMENT", "production")
    monkeypatch.setenv("IURC_DATABASE_URL", "postgresql://iurc@db/iurc")
    with pytest.raises(ValidationError, match="IURC_CODEC_KEYS is required in production"):
        Settings()
    # Not KEY: production refuses the all-zero key, which docker-compose.yml once published.
    monkeypatch.setenv("IURC_CODEC_KEYS", f"k1:{base64.b64encode(bytes(range(32))).decode()}")
    ring = Settings().key_ring()
    assert ring is not None
    assert (ring.active, sorted(ring.keys)) == ("k1", ["k1"])


def test_codec_keygen_prints_a_usable_new_key_each_time() -> None:
    runner = CliRunner()
    lines = [runner.invoke(app, ["codec-keygen", "--id", "k2027"]) for _ in range(2)]
    assert [result.exit_code for result in lines] == [0, 0]
    first, second = (result.stdout.strip() for result in lines)
    assert first.startswith("k2027:")
    assert first != second
    ring = KeyRing.parse(f"{first}")
    assert len(ring.keys["k2027"]) == 32
    default = runner.invoke(app, ["codec-keygen"])
    assert default.exit_code == 0
    assert KeyRing.parse(default.stdout.strip()).active.startswith("k20")


def test_codec_keygen_refuses_an_id_it_could_not_read_back() -> None:
    result = CliRunner().invoke(app, ["codec-keygen", "--id", "a:b"])
    assert result.exit_code == 2
    assert "key id 'a:b'" in " ".join(result.output.split())


@pytest.mark.parametrize("command", ["codec-keygen", "codec-server"])
def test_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_codec_server_refuses_to_start_without_keys() -> None:
    result = CliRunner().invoke(app, ["codec-server"])
    assert result.exit_code == 2
    assert "IURC_CODEC_KEYS is not set" in " ".join(result.output.split())


def test_codec_server_refuses_a_public_address_without_a_token() -> None:
    env = {"IURC_CODEC_KEYS": TEST_CODEC_KEYS}
    result = CliRunner().invoke(app, ["codec-server", "--host", "0.0.0.0"], env=env)
    assert result.exit_code == 2
    assert "without IURC_CODEC_SERVER_TOKEN" in " ".join(result.output.split())


def test_codec_server_reports_unusable_keys() -> None:
    result = CliRunner().invoke(app, ["codec-server"], env={"IURC_CODEC_KEYS": f"k1:{SHORT}"})
    assert result.exit_code == 2
    assert "key 'k1' is 16 bytes" in " ".join(result.output.split())
