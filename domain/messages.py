"""The words of every message, per language, and the message a channel delivers.

Templates are plain `str.format` text over a notification's facts. A recipient gets their
own language where a template exists (English and Korean here, the two languages of the
EU-Korea component), English otherwise.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.message_facts import Facts, NotificationKind, Recipient

K = NotificationKind

__all__ = ["TEMPLATES", "Attachment", "OutgoingMessage", "Recipient", "language_for", "render"]

TEMPLATES: dict[str, dict[NotificationKind, tuple[str, str]]] = {
    "en": {
        K.REMINDER: (
            "[IURC] {pairing}: no activity for {idle_days} days",
            "The pairing {eu_city} - {partner_city} ({pairing}) has recorded no activity for "
            "{idle_days} days in the {stage} stage.\n\nExpected next: {expected_next}.\n"
            "Please record progress by {due_by}; after that the secretariat is alerted.",
        ),
        K.FOLLOW_UP_DUE: (
            "[IURC] {pairing}: a follow-up is due",
            "The pairing {eu_city} - {partner_city} ({pairing}) has logged no follow-up for "
            "{idle_days} days. Please hold and log a follow-up contact by {due_by}.",
        ),
        K.ESCALATION_1: (
            "[IURC] Escalation 1: {pairing} stale for {idle_days} days",
            "The pairing {eu_city} - {partner_city} ({pairing}) has been quiet for {idle_days} "
            "days in the {stage} stage.\n\nExpected next: {expected_next}.\nPlease contact both "
            "cities' focal points. If nothing is recorded by {due_by}, this escalates to the "
            "head of the secretariat.",
        ),
        K.ESCALATION_2: (
            "[IURC] Escalation 2: {pairing} stale for {idle_days} days",
            "The pairing {eu_city} - {partner_city} ({pairing}) has been quiet for {idle_days} "
            "days in the {stage} stage, despite a reminder and a first escalation.\n\n"
            "Expected next: {expected_next}.\nA decision is needed: support, pause or withdraw.",
        ),
        K.BACK_ON_TRACK: (
            "[IURC] {pairing} is back on track",
            "The pairing {eu_city} - {partner_city} ({pairing}) recorded activity in the {stage} "
            "stage after {idle_days} quiet days. Its open escalations are closed.",
        ),
        K.MEETING_SCHEDULED: (
            "[IURC] {meeting_title}: {meeting_local_times}",
            "A {meeting_kind} of {eu_city} and {partner_city} is scheduled for "
            "{meeting_local_times} ({meeting_utc} UTC). The invitation is attached.",
        ),
        K.INTERPRETATION_NEEDED: (
            "[IURC] Interpretation needed: {meeting_title} ({pairing})",
            "{eu_city} and {partner_city} share no working language ({languages}). Please "
            "arrange interpretation for the {meeting_kind} on {meeting_local_times}.",
        ),
        K.PAIRING_PARKED: (
            "[IURC] {pairing} is parked: its events could not be stored",
            "The pairing {eu_city} - {partner_city} ({pairing}) stopped taking commands: "
            "{reason}\n\nNothing was lost that a sender was told had been recorded. Once "
            "the cause is understood, `iurc admin recover {pairing}` makes the pairing "
            "continue from what the event store holds.",
        ),
        K.PLAN_CHANGES_REQUESTED: (
            "[IURC] {pairing}: changes requested to the action plan",
            "The secretariat asks for changes to the action plan of {eu_city} - "
            "{partner_city}:\n\n{reason}\n\nPlease submit a revised plan.",
        ),
        K.PLAN_APPROVED: (
            "[IURC] {pairing}: action plan approved",
            "The action plan of {eu_city} - {partner_city} is approved. Next: the pilot project "
            "and its funding.",
        ),
        K.PILOT_FUNDED: (
            "[IURC] {pairing}: pilot project funded",
            "The pilot project of {eu_city} - {partner_city} is funded with EUR {amount_eur}. "
            "Please report its milestones as they are reached.",
        ),
    },
    "ko": {
        K.REMINDER: (
            "[IURC] {pairing}: {idle_days}일 동안 활동 없음",
            "{eu_city} - {partner_city} 도시 간 협력({pairing})이 {stage} 단계에서 "
            "{idle_days}일 동안 기록된 활동이 없습니다.\n\n다음 단계: {expected_next}.\n"
            "{due_by}까지 진행 상황을 기록해 주십시오. 그 이후에는 사무국에 보고됩니다.",
        ),
        K.FOLLOW_UP_DUE: (
            "[IURC] {pairing}: 후속 조치 필요",
            "{eu_city} - {partner_city} 도시 간 협력({pairing})에 {idle_days}일 동안 후속 "
            "조치가 기록되지 않았습니다. {due_by}까지 후속 연락을 진행하고 기록해 주십시오.",
        ),
        K.MEETING_SCHEDULED: (
            "[IURC] {meeting_title}: {meeting_local_times}",
            "{eu_city}와(과) {partner_city}의 회의가 {meeting_local_times}"
            "({meeting_utc} UTC)에 예정되어 있습니다. 초대장이 첨부되어 있습니다.",
        ),
        K.PLAN_CHANGES_REQUESTED: (
            "[IURC] {pairing}: 실행 계획 수정 요청",
            "사무국이 {eu_city} - {partner_city} 실행 계획의 수정을 요청했습니다:\n\n{reason}\n\n"
            "수정된 계획을 제출해 주십시오.",
        ),
        K.PLAN_APPROVED: (
            "[IURC] {pairing}: 실행 계획 승인",
            "{eu_city} - {partner_city} 실행 계획이 승인되었습니다. 다음 단계: 시범 사업과 "
            "그 재원 확보.",
        ),
        K.PILOT_FUNDED: (
            "[IURC] {pairing}: 시범 사업 재원 확정",
            "{eu_city} - {partner_city} 시범 사업에 EUR {amount_eur}의 재원이 확정되었습니다. "
            "각 단계가 완료되면 보고해 주십시오.",
        ),
    },
}


def language_for(requested: str, kind: NotificationKind) -> str:
    """The recipient's language if there is a template for this message in it, else English."""
    return requested if kind in TEMPLATES.get(requested, {}) else "en"


def render(kind: NotificationKind, facts: Facts, language: str) -> tuple[str, str]:
    """Subject and body of `kind` in `language` (or English where there is no template)."""
    subject, body = TEMPLATES[language_for(language, kind)][kind]
    meeting = facts.meeting
    values = {
        "pairing": facts.pairing_id,
        "eu_city": facts.eu_city,
        "partner_city": facts.partner_city,
        "stage": facts.stage.label,
        "idle_days": facts.idle_days if facts.idle_days is not None else "?",
        "expected_next": facts.expected_next or "-",
        "due_by": _when(facts.due_by),
        "reason": facts.reason,
        "amount_eur": f"{facts.amount_eur:,}" if facts.amount_eur is not None else "?",
        "languages": facts.languages,
        "meeting_title": meeting.title if meeting else "",
        "meeting_kind": meeting.kind.label if meeting else "",
        "meeting_local_times": meeting.local_times if meeting else "",
        "meeting_utc": f"{meeting.starts_at:%Y-%m-%d %H:%M}" if meeting else "",
    }
    return subject.format(**values), body.format(**values)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "-"


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True)

    filename: str
    content_type: str
    content: str


class OutgoingMessage(BaseModel):
    """One rendered message for recipients who share a language: what a channel delivers.

    `message_id` is the same on every attempt, so a receiver can drop a repeat delivery.
    """

    model_config = ConfigDict(frozen=True)

    message_id: str
    notification_id: str
    pairing_id: str
    kind: NotificationKind
    language: str
    recipients: tuple[Recipient, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
