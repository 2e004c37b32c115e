"""What people see of a pairing: the view, its status, the stage checklist and its markdown."""

from __future__ import annotations

from domain import commands as cmd
from domain.deadlines import DeadlineKind
from domain.policy import Staleness, StalenessPolicy
from domain.progress import checklist, exit_criterion_met
from domain.stages import Stage
from domain.state import PlanStatus
from domain.topics import Topic
from domain.view import PairingView, Status, checklist_markdown, view_of
from tests.domain.gwt import T0, Given, a_pairing, days


def view(given: Given) -> PairingView:
    return view_of(given.state)


def marks(given: Given) -> list[tuple[str, bool, bool]]:
    return [(item.stage.value, item.done, item.waived) for item in checklist(given.state)]


def test_a_new_pairing_is_seen_as_active_in_matching_with_its_first_reminder_ahead() -> None:
    seen = view(a_pairing())
    assert seen.model_dump(exclude={"checklist", "next_deadline"}) == {
        "pairing_id": "rotterdam-busan-2021",
        "eu_city": "rotterdam",
        "partner_city": "busan",
        "cycle": 2021,
        "topics": (Topic.SMART_URBAN_MOBILITY,),
        "stage": Stage.MATCHING,
        "status": Status.ACTIVE,
        "staleness": Staleness.ACTIVE,
        "stale": False,
        "escalation_level": 0,
        "last_activity_at": T0,
        "plan_status": PlanStatus.NONE,
        "version": 1,
        "notice": None,
    }
    assert seen.next_deadline is not None
    assert (seen.next_deadline.kind, seen.next_deadline.due_at) == (
        DeadlineKind.REMINDER,
        T0 + days(10.5),
    )


def test_a_reminded_pairing_is_not_yet_stale_an_escalated_one_is() -> None:
    levels = [(view(a_pairing().after_time(T0 + days(n)))) for n in (10.5, 21, 42)]
    assert [(v.staleness, v.stale, v.escalation_level) for v in levels] == [
        (Staleness.REMINDED, False, 0),
        (Staleness.ESCALATED_1, True, 1),
        (Staleness.ESCALATED_2, True, 2),
    ]


def test_the_status_follows_pause_withdrawal_and_completion() -> None:
    in_kickoff = a_pairing().in_stage(Stage.KICKOFF)
    assert view(in_kickoff.after(cmd.Pause(reason="Elections"))).status is Status.PAUSED
    withdrawn = view(in_kickoff.after(cmd.Withdraw(reason="Budget")))
    assert (withdrawn.status, withdrawn.stage, withdrawn.next_deadline) == (
        Status.WITHDRAWN,
        Stage.WITHDRAWN,
        None,
    )
    short = StalenessPolicy(follow_up_period=days(30))
    done = a_pairing(policy=short).in_stage(Stage.FOLLOW_UP).after_time(T0 + days(30))
    assert (view(done).status, view(done).plan_status) == (Status.COMPLETED, PlanStatus.APPROVED)


def test_the_checklist_marks_passed_stages_done_and_counts_what_is_under_way() -> None:
    one_bilateral = a_pairing().through("held-bilateral-1")
    assert marks(one_bilateral) == [
        ("matching", True, False),
        ("kickoff", True, False),
        ("bilateral", False, False),
        ("study_visit", False, False),
        ("action_plan", False, False),
        ("pilot", False, False),
        ("follow_up", False, False),
    ]
    labels = [item.label for item in checklist(one_bilateral.state)]
    assert labels[0] == "Rotterdam and Busan confirmed participation"
    assert labels[2] == "2 bilateral meetings held (1 so far)"
    assert labels[6] == "follow-up period ended (0 follow-ups logged)"


def test_a_waived_stage_is_checked_and_marked_waived() -> None:
    waived = (
        a_pairing()
        .in_stage(Stage.STUDY_VISIT)
        .after(cmd.WaiveStage(stage=Stage.STUDY_VISIT, reason="Travel restrictions"))
    )
    assert marks(waived)[3] == ("study_visit", True, True)
    assert waived.state.stage is Stage.ACTION_PLAN


def test_a_withdrawn_pairing_keeps_only_the_work_it_really_did() -> None:
    withdrawn = a_pairing().through("held-kickoff").after(cmd.Withdraw(reason="Budget"))
    assert [done for _, done, _ in marks(withdrawn)] == [True, True] + [False] * 5


def test_the_follow_up_stage_ends_by_time_not_by_work() -> None:
    in_follow_up = a_pairing().through("follow-up-1")
    assert in_follow_up.state.stage is Stage.FOLLOW_UP
    assert not exit_criterion_met(in_follow_up.state)
    waived = in_follow_up.after(cmd.WaiveStage(stage=Stage.FOLLOW_UP, reason="Programme ended"))
    assert waived.state.stage is Stage.COMPLETED


def test_the_checklist_markdown_shows_stage_checks_staleness_and_the_next_step() -> None:
    escalated = a_pairing().in_stage(Stage.KICKOFF).after_time(T0 + days(30))
    assert checklist_markdown(view(escalated)).splitlines() == [
        "**rotterdam ↔ busan** (cycle 2021) — stage **kickoff**, active",
        "",
        "- [x] matching: Rotterdam and Busan confirmed participation",
        "- [ ] kickoff: kick-off meeting held",
        "- [ ] bilateral: 2 bilateral meetings held (0 so far)",
        "- [ ] study visit: study visit completed",
        "- [ ] action plan: action plan submitted and approved",
        "- [ ] pilot: funded pilot project completed",
        "- [ ] follow up: follow-up period ended (0 follow-ups logged)",
        "",
        "Last activity: 2026-03-02 09:00 UTC",
        "**Stale** — escalation level 1",
        "Next: escalation 2 due 2026-05-01 09:00 UTC",
    ]


def test_the_markdown_of_a_quiet_closed_pairing_has_no_stale_or_next_line() -> None:
    waived = (
        a_pairing()
        .in_stage(Stage.BILATERAL)
        .after(cmd.WaiveStage(stage=Stage.BILATERAL, reason="Online only"))
    )
    text = checklist_markdown(view(waived.after(cmd.Withdraw(reason="Budget"))))
    assert "stage **withdrawn**, withdrawn" in text
    assert "- [x] bilateral: 2 bilateral meetings held (0 so far) *(waived)*" in text
    assert "Stale" not in text
    assert "Next:" not in text
