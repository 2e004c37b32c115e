"""Hypothesis strategies for bad input: raw command payloads and `iurc` command lines.

Every field has two strategies: values pydantic accepts (so the domain decides: a stage out
of order, an unknown city, a date far in the past) and values it must refuse (wrong types,
oversized text of 10 kB to 2.1 MB, NUL, lone surrogates, naive datetimes, keys that break the
pattern). A command is drawn well-formed about half the time, with one field damaged about a
third of the time, and otherwise missing a field, carrying an unknown one, of an unknown kind,
or not a command at all: enough accepted commands to check "recorded once", enough garbage to
check "refused clearly". Times are built relative to the scene's `now`.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import yaml
from hypothesis import strategies as st

from domain.meetings import MeetingKind
from domain.stages import OPEN_STAGES, Stage
from domain.stakeholders import Helix
from iurc.journey import action_plan

Raw = Any
"""A JSON-like value: what arrives from outside, before pydantic has looked at it."""

KNOWN_CITIES = ("rotterdam", "busan", "dublin", "seoul", "sofia", "sejong", "tampere", "suwon")
UNKNOWN_CITIES = ("atlantis", "rotterdm", "gotham-city", "x" * 41)
BAD_SLUGS = ("Busan", "bu san", "", "b", "-busan", "busan\u200d", "부산", "busan\x00")

ODD_PIECES = (
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200d",  # zero-width joiner
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\u0301",  # combining acute accent
    "\U0010ffff",
    "😀",
    "👩\u200d👩\u200d👧",  # a family: emoji joined by zero-width joiners
    "\r\n",
    "\t",
    "\x1b[31m",
    "[bold red]markup[/]",
    "'; DROP TABLE events; --",
    "%s {0} {}",
    "مرحبا",
    "부산",
)
"""Odd, but text: pydantic and PostgreSQL take all of it."""
UNSTORABLE_PIECES = ("\x00", "\ud800", "\udfff")
"""NUL (PostgreSQL cannot store it) and lone surrogates (not UTF-8 at all)."""
HUGE_SIZES = (10_000, 100_000, 1_000_000, 2_100_000)
"""Characters: 4,000 is the longest text the domain takes; 2 MB is Temporal's payload limit."""

KEY_ALPHABET = string.ascii_letters + string.digits + "._:-"
BAD_KEYS = (
    "",
    " leading-space",
    "has space",
    "ümlaut",
    "-dash-first",
    "k" * 101,
    "k" * 5000,
    "nul\x00key",
    "tab\tkey",
    "\u202ertl",
    "emoji-😀",
)
MEETING_IDS = ("kickoff", "bilateral-1", "bilateral-2", "cluster-1", "new-meeting")
UNKNOWN_KINDS = ("launch_rocket", "check_deadlines", "CONFIRM_PARTICIPATION", "", "pause ")
"""check_deadlines exists, but only the workflow's own timer may issue it."""


@dataclass(frozen=True)
class Scene:
    """What a payload is generated against: the pairing's cities and the current time."""

    eu: str
    partner: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()


@dataclass(frozen=True)
class Field:
    """One field's values: what pydantic accepts, and what it must refuse."""

    good: st.SearchStrategy[Raw]
    bad: st.SearchStrategy[Raw]


def weighted(*choices: tuple[int, st.SearchStrategy[Raw]]) -> st.SearchStrategy[Raw]:
    """One of `choices`, in proportion to their weights (one_of ignores repeated branches)."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda strategy: strategy)


def garbage() -> st.SearchStrategy[Raw]:
    """Wrong types: nothing a field expects, nested a little."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=5),
    )
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=4,
    )


def odd_text(pieces: tuple[str, ...] = ODD_PIECES) -> st.SearchStrategy[str]:
    """Short text of odd unicode and ordinary characters."""
    piece = st.sampled_from(pieces) | st.text(max_size=4)
    return st.lists(piece, min_size=1, max_size=6).map("".join)


def unstorable_text() -> st.SearchStrategy[str]:
    """Text with NUL or a lone surrogate somewhere in it."""
    return st.tuples(odd_text(), st.sampled_from(UNSTORABLE_PIECES), odd_text()).map("".join)


def huge_text() -> st.SearchStrategy[str]:
    """10 kB to 2.1 MB of one repeated unit (ASCII, accented, emoji or zero-width)."""
    return st.builds(
        lambda unit, size: (unit * (size // len(unit) + 1))[:size],
        st.sampled_from(["x", "é", "😀", "\u200d", "ab "]),
        st.sampled_from(HUGE_SIZES),
    )


def text(*plain: str, required: bool = False) -> Field:
    """Free text: plain or odd; refused when huge, unstorable, empty (if required) or no text."""
    good = weighted(
        (2, st.sampled_from(plain or ("Agreed on mobility data", "Ok"))), (1, odd_text())
    )
    bad = st.one_of(huge_text(), unstorable_text(), garbage())
    return Field(good, bad | st.just("") if required else bad)


def ids(pool: tuple[str, ...]) -> Field:
    """A meeting, visit, milestone or follow-up id: from a small pool (so ids collide), or bad."""
    return Field(st.sampled_from(pool), st.sampled_from(BAD_KEYS) | garbage())


def cities(scene: Scene) -> Field:
    """The pairing's cities, a city of another pairing, one nobody knows; or no slug at all."""
    ours = st.sampled_from([scene.eu, scene.partner])
    others = st.sampled_from(KNOWN_CITIES + UNKNOWN_CITIES)
    return Field(weighted((3, ours), (1, others)), st.sampled_from(BAD_SLUGS) | garbage())


def moments(scene: Scene) -> Field:
    """Datetimes as ISO strings around now or in year 1 or 9999; naive or impossible ones."""
    offsets = st.sampled_from(
        [
            timedelta(days=-3650),
            timedelta(days=-400),
            timedelta(days=-2),  # before the pairing was proposed
            timedelta(minutes=-30),
            timedelta(minutes=1),  # within the clock skew the domain allows
            timedelta(minutes=30),
            timedelta(days=3),
            timedelta(days=800),  # beyond the two-year scheduling horizon
        ]
    )
    zones = st.sampled_from(
        [UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-10)), timezone.max]
    )
    near = st.builds(lambda o, z: (scene.now + o).astimezone(z).isoformat(), offsets, zones)
    extreme = st.sampled_from(
        [
            "0001-01-01T00:00:00+00:00",
            "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
            "9999-12-31T23:59:59.999999+00:00",
            "9999-12-31T23:59:59-23:59",  # after year 9999 in UTC
            int(scene.now.timestamp()) - 60,  # pydantic reads a number as a Unix time
        ]
    )
    bad = st.sampled_from(
        [
            (scene.now - timedelta(hours=1)).replace(tzinfo=None).isoformat(),  # naive
            "2031-02-30T10:00:00Z",
            "yesterday",
            "",
            2**60,
        ]
    )
    return Field(weighted((4, near), (1, extreme)), bad | garbage())


def days(scene: Scene) -> Field:
    """Calendar days as ISO strings: today, near it, far away; impossible ones or not dates."""
    near = st.sampled_from([-400, -1, 0, 1, 30]).map(
        lambda shift: (scene.today + timedelta(days=shift)).isoformat()
    )
    far = st.sampled_from(["0001-01-01", "9999-12-31"])
    bad = st.sampled_from(["2031-02-30", "2031-5-4", "", "today"])
    return Field(weighted((4, near), (1, far)), bad | garbage())


def spans() -> Field:
    """Durations as pydantic reads them (ISO 8601 or seconds)."""
    good = st.sampled_from(["P30D", "P45D", "PT12H", 86_400 * 21, "P3000D"])
    bad = st.sampled_from(["P4000D", "P999999999D", "PT0S", "-P1D", "P1000000000D", 10**12, "P1Y"])
    return Field(good, bad | garbage())


def choose(field: Field, damaged: bool) -> st.SearchStrategy[Raw]:
    return field.bad if damaged else field.good


def policies(damaged: bool) -> st.SearchStrategy[Raw]:
    span = spans()
    limits = st.fixed_dictionaries(
        {stage.value: span.good for stage in OPEN_STAGES},
        optional={"nowhere": span.good} if damaged else {},
    )
    if damaged:
        limits = st.one_of(
            limits,
            st.sampled_from([s.value for s in OPEN_STAGES]).flatmap(
                lambda stage: st.fixed_dictionaries(
                    {s.value: (span.bad if s.value == stage else span.good) for s in OPEN_STAGES}
                )
            ),
            st.just({"kickoff": "P30D"}),  # stages missing
        )
    fraction = (
        st.sampled_from([0, 1, -0.5, "half", float("nan")]) if damaged else st.sampled_from([0.5])
    )
    return st.fixed_dictionaries(
        {"idle_limits": limits},
        optional={"reminder_fraction": fraction, "follow_up_period": choose(span, damaged)},
    )


def stakeholders(scene: Scene) -> Field:
    good = st.fixed_dictionaries(
        {
            "name": st.sampled_from(["Kim Min-jun", "Anna de Vries", "José Ñúñez", "عمر"]),
            "email": st.integers(1, 3).map(lambda n: f"civil.{n}@{scene.partner}.example.org"),
            "city": cities(scene).good,
            "helix": st.sampled_from([h.value for h in Helix]),
        },
        optional={"role": st.just("member"), "focal_point": st.booleans()},
    )
    bad = st.one_of(
        good.map(lambda s: {**s, "email": "not-an-email"}),
        good.map(lambda s: {**s, "name": "x" * 201}),
        good.map(lambda s: {**s, "language": "english"}),
        garbage(),
    )
    return Field(good, bad)


def plans(scene: Scene) -> Field:
    """A complete plan or one the domain finds wanting; or one pydantic refuses (too big)."""
    valid = action_plan(scene.eu, scene.partner).model_dump(mode="json")
    wanting = st.sampled_from(
        [
            valid,
            {**valid, "stakeholders": valid["stakeholders"][:6]},  # no civil society
            {**valid, "projects": []},
            {**valid, "decision_making": ""},
            {**valid, "roadmap": []},
        ]
    )
    too_big = st.sampled_from(
        [
            {**valid, "projects": ["project"] * 51},
            {**valid, "projects": ["p" * 1001]},
            {**valid, "stakeholders": valid["stakeholders"] * 13},  # 104
            {**valid, "roadmap": [{"title": "step", "due_on": "2031-06-30"}] * 101},
        ]
    )
    bad = st.one_of(
        too_big,
        huge_text().map(lambda big: {**valid, "projects": [big]}),
        huge_text().map(lambda big: {**valid, "title": big}),
        garbage(),
    )
    return Field(wanting, bad)


def command_fields(scene: Scene) -> dict[str, tuple[dict[str, Field], dict[str, Field]]]:
    """Per command kind: its required and its optional fields."""
    kinds = Field(st.sampled_from([k.value for k in MeetingKind]), st.just("coffee") | garbage())
    reason = text("Municipal elections until June", "Add a budget per project", required=True)
    return {
        "confirm_participation": ({"city": cities(scene)}, {}),
        "schedule_meeting": (
            {
                "meeting_id": ids(MEETING_IDS),
                "meeting_kind": kinds,
                "scheduled_for": moments(scene),
            },
            {"title": text("Kick-off")},
        ),
        "record_meeting": (
            {"meeting_id": ids(MEETING_IDS), "meeting_kind": kinds, "held_at": moments(scene)},
            {"summary": text()},
        ),
        "complete_study_visit": (
            {
                "visit_id": ids(("visit-1", "visit-2")),
                "host_city": cities(scene),
                "started_on": days(scene),
                "ended_on": days(scene),
            },
            {"summary": text()},
        ),
        "submit_action_plan": ({"plan": plans(scene)}, {}),
        "request_action_plan_changes": ({"reason": reason}, {}),
        "approve_action_plan": ({}, {}),
        "fund_pilot": (
            {
                "title": text("Mobility data pilot", required=True),
                "amount_eur": Field(
                    st.sampled_from([150_000, 1, 100_000_000, "150000"]),
                    st.sampled_from([0, -5, 100_000_001, 10**30, 1.5, "lots"]) | garbage(),
                ),
            },
            {"funder": text("IURC", required=True)},
        ),
        "report_pilot_milestone": (
            {
                "milestone_id": ids(("m1", "m2")),
                "description": text("Data platform procured", required=True),
                "reached_on": days(scene),
            },
            {},
        ),
        "complete_pilot": ({}, {"summary": text()}),
        "log_follow_up": (
            {"follow_up_id": ids(("f1", "f2")), "held_at": moments(scene)},
            {"summary": text()},
        ),
        "add_stakeholder": ({"stakeholder": stakeholders(scene)}, {}),
        "pause": ({"reason": reason}, {}),
        "resume": ({}, {}),
        "waive_stage": (
            {
                "stage": Field(
                    st.sampled_from([s.value for s in Stage]), st.just("nowhere") | garbage()
                ),
                "reason": reason,
            },
            {},
        ),
        "withdraw": ({"reason": reason}, {}),
        "change_policy": (
            {"policy": Field(policies(damaged=False), policies(damaged=True) | garbage())},
            {},
        ),
    }


def commands(scene: Scene) -> st.SearchStrategy[Raw]:
    """A command as JSON: well-formed, one field damaged, misshapen, of an unknown kind, junk."""
    fields = command_fields(scene)

    def of_kind(kind: str) -> st.SearchStrategy[Raw]:
        required, optional = fields[kind]
        everything = {**required, **optional}

        def body(damaged: str | None) -> st.SearchStrategy[dict[str, Raw]]:
            """All fields drawn well-formed, but `damaged` (present, with a refused value)."""
            present = {**required, **({damaged: everything[damaged]} if damaged else {})}
            return st.fixed_dictionaries(
                {"kind": st.just(kind)}
                | {name: choose(f, name == damaged) for name, f in present.items()},
                optional={name: f.good for name, f in optional.items() if name != damaged},
            )

        one_damaged = (
            st.sampled_from(sorted(everything)).flatmap(body) if everything else body(None)
        )
        misshapen = body(None).flatmap(
            lambda b: st.one_of(
                st.sampled_from(sorted(b)).map(lambda name: _without(b, name)),
                st.just({**b, "colour": "blue"}),
            )
        )
        return weighted((3, body(None)), (2, one_damaged), (1, misshapen))

    # Withdraw closes the pairing for good: let it come up, but seldom.
    kinds = [kind for kind in sorted(fields) if kind != "withdraw"] * 4 + ["withdraw"]
    known = st.sampled_from(kinds).flatmap(of_kind)
    unknown = st.fixed_dictionaries({"kind": st.sampled_from(UNKNOWN_KINDS) | garbage()})
    return weighted((6, known), (1, unknown), (1, garbage()))


def keys() -> Field:
    fresh = st.text(KEY_ALPHABET, min_size=1, max_size=16).map(lambda tail: f"key-{tail}")
    return Field(fresh, st.sampled_from(BAD_KEYS) | garbage())


def principals(scene: Scene) -> Field:
    """Who sends: mostly the secretariat; also the pairing's own cities and services (whose
    rights the permission table limits), strangers, and principals that are no principal."""
    officer = {"role": "programme_officer", "name": "officer"}
    good = st.sampled_from(
        [
            officer,
            officer,
            officer,
            {"role": "operator", "name": "desk"},
            {"role": "focal_point", "name": "fp", "city": scene.eu},
            {"role": "focal_point", "name": "fp", "city": scene.partner},
            {"role": "focal_point", "name": "fp", "city": "sofia"},
            {
                "role": "service",
                "name": "zoom",
                "city": scene.partner,
                "scopes": ["meetings:record", "meetings:schedule"],
            },
        ]
    )
    bad = st.sampled_from(
        [
            {"role": "legacy", "name": "portal"},
            {"role": "focal_point", "name": "fp"},
            {"role": "service", "name": "svc", "scopes": ["meetings:record"]},
            {"role": "operator", "name": "line\nbreak"},
            {"role": "operator", "name": "nul\x00name"},
            {"role": "operator", "name": "a" * 65},
            {"role": "mayor", "name": "m"},
            {"role": "operator", "name": "x", "city": scene.eu},
        ]
    )
    return Field(good, bad | garbage())


def envelopes(scene: Scene) -> st.SearchStrategy[Raw]:
    """What a service sends: {principal, command_id, command}, sometimes damaged, sometimes in
    the shape from before principals ({actor: ...}), or not a dict."""
    key, principal = keys(), principals(scene)

    def envelope(bad_key: bool, bad_principal: bool) -> st.SearchStrategy[Raw]:
        return st.fixed_dictionaries(
            {
                "principal": choose(principal, bad_principal),
                "command_id": choose(key, bad_key),
                "command": commands(scene),
            }
        )

    fine = envelope(bad_key=False, bad_principal=False)
    legacy = fine.map(lambda b: {**_without(b, "principal"), "actor": "portal"})
    damaged = st.one_of(
        envelope(bad_key=True, bad_principal=False),
        envelope(bad_key=False, bad_principal=True),
        legacy,
        fine.flatmap(lambda b: st.sampled_from(sorted(b)).map(lambda f: _without(b, f))),
    )
    return weighted((5, fine), (1, damaged), (1, garbage()))


def _without(payload: dict[str, Any], field: str) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != field}


# -- the CLI: argument lists as a person (or a script) types them --------------------------------

CLI_HUGE_SIZES = (10_000, 200_000, 1_000_000)


def cli_text(*plain: str) -> Field:
    """Typed text. NUL and lone surrogates only reach `iurc` in process: a lone surrogate is
    how Python decodes argv bytes that are not UTF-8 (the console-script test sends those)."""
    good = weighted((2, st.sampled_from(plain or ("Agreed on mobility data", ""))), (1, odd_text()))
    huge = st.builds(
        lambda unit, size: unit * size,
        st.sampled_from(["x", "é", "😀"]),
        st.sampled_from(CLI_HUGE_SIZES),
    )
    return Field(good, st.one_of(huge, unstorable_text()))


def cli_datetimes(scene: Scene) -> Field:
    near = st.sampled_from(
        [timedelta(days=-400), timedelta(hours=-2), timedelta(minutes=1), timedelta(days=3)]
    )
    aware = near.map(lambda offset: (scene.now + offset).isoformat(timespec="minutes"))
    far = st.sampled_from(["0001-01-01T00:00+00:00", "9999-12-31T23:59-23:59"])
    bad = st.sampled_from(
        [
            (scene.now - timedelta(hours=1)).replace(tzinfo=None).isoformat(timespec="minutes"),
            "2031-02-30T10:00Z",
            "tomorrow",
            "",
            "2031-05-04T10:00+25:00",
            "0001-01-01T00:00+14:00",
        ]
    )
    return Field(weighted((4, aware), (1, far)), bad)


def cli_days(scene: Scene) -> Field:
    near = st.sampled_from([-400, -1, 0, 2]).map(
        lambda shift: (scene.today + timedelta(days=shift)).isoformat()
    )
    far = st.sampled_from(["0001-01-01", "9999-12-31"])
    bad = st.sampled_from(["2031-02-30", "2031-5-4", "", "1e9", "today"])
    return Field(weighted((4, near), (1, far)), bad)


def cli_ids(pool: tuple[str, ...]) -> Field:
    return Field(st.sampled_from(pool), st.sampled_from([b for b in BAD_KEYS if b]))


def cli_cities(scene: Scene) -> Field:
    good = cities(scene).good
    return Field(good, st.sampled_from(BAD_SLUGS))


def cli_policy_options(damaged: bool) -> st.SearchStrategy[list[str]]:
    stages = st.sampled_from([s.value for s in OPEN_STAGES])
    idle_days = (
        st.sampled_from(["4000", "1e8", "1e12", "inf", "nan", "-3", "", "thirty"])
        if damaged
        else st.sampled_from(["30", "0.5", "90"])
    )
    idle = st.tuples(stages | st.just("nowhere") if damaged else stages, idle_days).map(
        lambda pair: ["--idle", f"{pair[0]}={pair[1]}"]
    )
    fraction = st.sampled_from(
        ["0", "1", "1e-400", "nan", "half"] if damaged else ["0.3", "0.5"]
    ).map(lambda v: ["--reminder-fraction", v])
    follow_up = st.sampled_from(
        ["0", "4000", "1e12", "inf", "-1"] if damaged else ["365", "730"]
    ).map(lambda v: ["--follow-up-days", v])
    return st.lists(st.one_of(idle, fraction, follow_up), min_size=1, max_size=3).map(
        lambda parts: [arg for part in parts for arg in part]
    )


def cli_commands(scene: Scene, damaged: bool) -> st.SearchStrategy[list[str]]:
    """A recording command's words and options, `{pairing}` standing for the pairing's id.

    When `damaged`, one value (of the command, chosen here) is drawn from the refused ones.
    """
    kinds = Field(
        st.sampled_from([k.value for k in MeetingKind]), st.sampled_from(["coffee", "", "Kickoff"])
    )
    stages = Field(st.sampled_from([s.value for s in Stage]), st.sampled_from(["nowhere", ""]))
    amounts = Field(
        st.sampled_from(["150000", "1", "100000000"]),
        st.sampled_from(["0", "-5", "100000001", "1e3", "1" * 40, "inf", "", "£5"]),
    )

    def command(
        words: list[str], options: dict[str, Field | tuple[Field, bool]] | None = None
    ) -> st.SearchStrategy[list[str]]:
        """`options` by flag (a name starting `_` is a positional argument); `(field, True)`
        is an option that may be left out."""
        specs = options or {}
        names = sorted(specs)
        bad = st.sampled_from(names) if damaged and names else st.just("")

        def argument(name: str, broken: str) -> st.SearchStrategy[list[str]]:
            spec = specs[name]
            field, optional = spec if isinstance(spec, tuple) else (spec, False)

            def typed(value: str) -> list[str]:
                return [value] if name.startswith("_") else [name, value]

            value = choose(field, name == broken).map(typed)
            return st.one_of(st.just([]), value) if optional else value

        def line(broken: str) -> st.SearchStrategy[list[str]]:
            return st.tuples(*(argument(name, broken) for name in names)).map(
                lambda drawn: [*words, "{pairing}", *(arg for part in drawn for arg in part)]
            )

        return bad.flatmap(line)

    reason = cli_text("Elections until June")
    return st.one_of(
        command(["confirm"], {"_city": cli_cities(scene)}),
        command(
            ["visit"],
            {
                "--id": cli_ids(("visit-1", "visit-2")),
                "--host": cli_cities(scene),
                "--from": cli_days(scene),
                "--to": cli_days(scene),
                "--summary": (cli_text(), True),
            },
        ),
        command(
            ["followup"],
            {"--id": cli_ids(("f1", "f2")), "--at": (cli_datetimes(scene), True)},
        ),
        command(["pause"], {"--reason": reason}),
        command(["resume"]),
        command(["waive"], {"_stage": stages, "--reason": reason}),
        command(
            ["meeting", "schedule"],
            {
                "--id": cli_ids(MEETING_IDS),
                "--kind": kinds,
                "--at": cli_datetimes(scene),
                "--title": (cli_text("Kick-off"), True),
            },
        ),
        command(
            ["meeting", "record"],
            {
                "--id": cli_ids(MEETING_IDS),
                "--kind": kinds,
                "--at": (cli_datetimes(scene), True),
                "--summary": (cli_text(), True),
            },
        ),
        command(["plan", "request-changes"], {"--reason": reason}),
        command(["plan", "approve"]),
        command(
            ["plan", "submit"],
            {"_file": Field(st.just("{plan-file}"), st.sampled_from(["/nonexistent.yaml", "/"]))},
        ),
        command(
            ["pilot", "fund"],
            {"--title": cli_text("Mobility data pilot"), "--amount-eur": amounts},
        ),
        command(
            ["pilot", "milestone"],
            {
                "--id": cli_ids(("m1", "m2")),
                "--description": cli_text("Data platform procured"),
                "--on": (cli_days(scene), True),
            },
        ),
        command(["pilot", "complete"], {"--summary": (cli_text(), True)}),
        cli_policy_options(damaged).map(lambda options: ["policy", "{pairing}", *options]),
        command(["withdraw"], {"--reason": reason}),
    )


def cli_invocations(scene: Scene) -> st.SearchStrategy[list[str]]:
    """A whole argument list: mostly well-formed, else one value bad, or the line misshapen."""
    key = Field(
        st.text(KEY_ALPHABET, min_size=1, max_size=12).map(lambda tail: f"cli-{tail}"),
        st.sampled_from([b for b in BAD_KEYS if b]),
    )

    def whole(damaged: bool, bad_key: bool) -> st.SearchStrategy[list[str]]:
        return st.tuples(cli_commands(scene, damaged), choose(key, bad_key)).map(
            lambda parts: [*parts[0], "--key", parts[1]]
        )

    fine = whole(damaged=False, bad_key=False)
    misshapen = st.one_of(
        fine.map(lambda argv: [*argv, "--bogus"]),
        fine.flatmap(
            lambda argv: st.integers(0, len(argv) - 1).map(lambda i: argv[:i] + argv[i + 1 :])
        ),
        st.tuples(fine, cli_text().bad).map(lambda parts: [*parts[0], "--for-city", parts[1]]),
    )
    return weighted(
        (6, fine),
        (2, whole(damaged=True, bad_key=False)),
        (1, whole(damaged=False, bad_key=True)),
        (1, misshapen),
    )


def plan_documents(scene: Scene) -> st.SearchStrategy[tuple[str, bytes]]:
    """(suffix, content) of a file for `iurc plan submit`: a plan, a wanting one, or junk."""
    valid = action_plan(scene.eu, scene.partner).model_dump(mode="json")
    as_json = st.sampled_from(
        [
            valid,
            {**valid, "stakeholders": valid["stakeholders"][:6]},
            {**valid, "colour": "blue"},
            {**valid, "projects": ["p" * 2_100_000]},
            [valid],
        ]
    ).map(lambda doc: (".json", json.dumps(doc, ensure_ascii=False).encode()))
    as_yaml = st.just((".yaml", yaml.safe_dump(valid, allow_unicode=True).encode()))
    return weighted((2, as_json), (1, as_yaml), (2, st.sampled_from(PLAN_JUNK)))


BILLION_LAUGHS = b"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + b"".join(
    b"%c: &%c [%s]\n" % (name, name, b", ".join([b"*%c" % (name - 1)] * 9)) for name in b"bcdefghi"
)
"""Nine lines that expand to 9**9 values: aliases repeat whole subtrees."""

PLAN_JUNK = (
    (".yaml", b"title: [unclosed"),
    (".json", b"{"),
    (".yaml", b""),
    (".yaml", b"- a list\n- not a plan"),
    (".yaml", b"\xff\xfe not utf-8"),
    (".yaml", b"[" * 5000),  # deeper than Python's recursion limit
    (".json", b"[" * 100_000 + b"]" * 100_000),
    (".yaml", b"title: \x00"),
    (".json", b'{"title": "\\ud800"}'),  # a lone surrogate, escaped as JSON allows
    (".json", b'{"title": "\\u0000"}'),
    (".yaml", BILLION_LAUGHS),
    (".yaml", b"title: &t [*t]"),  # a list that holds itself
)
"""Files `iurc plan submit` must refuse as invalid input (exit 2), whatever the pairing."""
