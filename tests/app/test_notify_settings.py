"""Notification settings: routes name configured channels; empty variables mean unset."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from iurc.notify import NotifySettings, build_contacts, build_notifier


def test_without_routes_every_audience_goes_to_the_log() -> None:
    notifier = build_notifier(NotifySettings())
    assert notifier.channel_for("focal_points") == "log"
    assert notifier.channel_for("head_of_secretariat") == "log"


def test_routes_and_smtp_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_NOTIFY_ROUTES", '{"focal_points": "email"}')
    monkeypatch.setenv("IURC_SMTP_HOST", "smtp.citynet.example.org")
    monkeypatch.setenv("IURC_PROGRAMME_OFFICER_EMAIL", "officer@citynet.example.org")
    settings = NotifySettings()
    assert build_notifier(settings).channel_for("focal_points") == "email"
    contacts = build_contacts(settings)
    assert contacts.programme_officer is not None
    assert contacts.programme_officer.email == "officer@citynet.example.org"
    assert contacts.programme_officer.country == "KR"


def test_a_route_to_email_without_a_relay_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_NOTIFY_ROUTES", '{"focal_points": "email"}')
    monkeypatch.setenv("IURC_SMTP_HOST", "")  # as the compose file passes an unset relay
    with pytest.raises(ValidationError, match="uses email, but IURC_SMTP_HOST is not set"):
        NotifySettings()


def test_a_route_for_an_unknown_audience_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IURC_NOTIFY_ROUTES", '{"focal_point": "log"}')
    with pytest.raises(ValueError, match="unknown audience 'focal_point'"):
        build_notifier(NotifySettings())
