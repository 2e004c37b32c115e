"""The words of every message: the recipient's language where a template exists, else English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.meetings import MeetingKind
from domain.message_facts import Facts, MeetingFacts, NotificationKind
from domain.messages import TEMPLATES, language_for, render
from domain.stages import Stage

K = NotificationKind
DUE = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
MEETING = MeetingFacts(
    meeting_id="k",
    kind=MeetingKind.KICKOFF,
    title="Kick-off",
    starts_at=datetime(2026, 3, 9, 9, 0, tzinfo=UTC),
    local_times="10:00 CET in Rotterdam, 18:00 KST in Busan",
    eu_timezone="Europe/Amsterdam",
    partner_timezone="Asia/Seoul",
)
FACTS = Facts(
    pairing_id="rotterdam-busan-2021",
    eu_city="Rotterdam",
    partner_city="Busan",
    stage=Stage.STUDY_VISIT,
    idle_days=15,
    expected_next="study visit completed",
    due_by=DUE,
    reason="Name the data owner.",
    amount_eur=1_250_000,
    meeting=MEETING,
    languages="en, ko, nl",
)
KOREAN = {K.REMINDER, K.FOLLOW_UP_DUE, K.MEETING_SCHEDULED, K.PLAN_CHANGES_REQUESTED}
KOREAN |= {K.PLAN_APPROVED, K.PILOT_FUNDED}


def test_every_kind_has_an_english_template_and_korean_covers_what_focal_points_get() -> None:
    assert set(TEMPLATES["en"]) == set(NotificationKind)
    assert set(TEMPLATES["ko"]) == KOREAN
    assert set(TEMPLATES) == {"en", "ko"}


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_a_korean_reader_gets_korean_where_it_exists_and_english_otherwise(
    kind: NotificationKind,
) -> None:
    assert language_for("ko", kind) == ("ko" if kind in KOREAN else "en")
    assert language_for("fr", kind) == "en"
    assert language_for("en", kind) == "en"


@pytest.mark.parametrize("language", ["en", "ko", "fr"])
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_template_renders_the_facts_without_a_placeholder_left(
    kind: NotificationKind, language: str
) -> None:
    subject, body = render(kind, FACTS, language)
    assert "rotterdam-busan-2021" in subject or "Kick-off" in subject
    for text in (subject, body):
        assert "{" not in text
        assert "}" not in text
    assert (subject, body) == render(kind, FACTS, language_for(language, kind))


def test_the_korean_reminder_states_the_same_facts() -> None:
    subject, body = render(K.REMINDER, FACTS, "ko")
    assert subject == "[IURC] rotterdam-busan-2021: 15일 동안 활동 없음"
    assert "Rotterdam - Busan 도시 간 협력(rotterdam-busan-2021)이 study visit 단계에서" in body
    assert "다음 단계: study visit completed." in body
    assert "2026-04-01 09:00 UTC까지" in body


def test_an_escalation_for_a_korean_reader_falls_back_to_english() -> None:
    subject, body = render(K.ESCALATION_1, FACTS, "ko")
    assert subject == "[IURC] Escalation 1: rotterdam-busan-2021 stale for 15 days"
    assert body.startswith("The pairing Rotterdam - Busan (rotterdam-busan-2021) has been quiet")
    assert "this escalates to the head of the secretariat" in body


def test_the_english_reminder_reads_as_a_sentence() -> None:
    subject, body = render(K.REMINDER, FACTS, "en")
    assert subject == "[IURC] rotterdam-busan-2021: no activity for 15 days"
    assert body == (
        "The pairing Rotterdam - Busan (rotterdam-busan-2021) has recorded no activity for "
        "15 days in the study visit stage.\n\nExpected next: study visit completed.\n"
        "Please record progress by 2026-04-01 09:00 UTC; after that the secretariat is alerted."
    )


def test_meeting_and_money_facts_are_formatted_for_people() -> None:
    subject, body = render(K.MEETING_SCHEDULED, FACTS, "en")
    assert subject == "[IURC] Kick-off: 10:00 CET in Rotterdam, 18:00 KST in Busan"
    assert "A kick-off meeting of Rotterdam and Busan" in body
    assert "(2026-03-09 09:00 UTC)" in body
    assert "EUR 1,250,000" in render(K.PILOT_FUNDED, FACTS, "en")[1]
    assert "EUR 1,250,000의 재원" in render(K.PILOT_FUNDED, FACTS, "ko")[1]


def test_missing_facts_show_as_placeholders_people_recognise() -> None:
    bare = Facts(
        pairing_id="sofia-sejong-2021", eu_city="Sofia", partner_city="Sejong", stage=Stage.MATCHING
    )
    subject, body = render(K.REMINDER, bare, "en")
    assert subject == "[IURC] sofia-sejong-2021: no activity for ? days"
    assert "Expected next: -." in body
    assert "Please record progress by -;" in body
    assert "funded with EUR ?." in render(K.PILOT_FUNDED, bare, "en")[1]
