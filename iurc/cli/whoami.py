"""`iurc whoami`: who this installation's `iurc` acts as, and what it can reach."""

from __future__ import annotations

import typer
from pydantic import BaseModel, ConfigDict
from rich.console import RenderableType
from rich.table import Table

from domain.principals import Principal
from iurc.cli.output import JsonOption, emit
from iurc.cli.services import Services, run
from iurc.stack.keys import with_stack_keys


class Identity(BaseModel):
    model_config = ConfigDict(frozen=True)

    principal: Principal
    actor: str
    """How the histories name the commands sent from here."""
    temporal: str
    namespace: str
    codec_keys: list[str]
    """Ids of the payload keys held (never the keys): without one, nothing sent is read."""
    admits_plaintext: bool


def register(app: typer.Typer) -> None:
    app.command("whoami")(whoami)


def whoami(as_json: JsonOption = False) -> None:
    """Show who this installation's `iurc` sends commands as (IURC_OPERATOR and
    IURC_OPERATOR_ROLE), where it sends them, and which payload keys it holds.

    Example: `iurc whoami`
    """

    async def command(services: Services) -> None:
        principal = services.principal()
        ring = with_stack_keys(services.settings).key_ring()
        identity = Identity(
            principal=principal,
            actor=principal.id,
            temporal=services.temporal_address,
            namespace=services.settings.temporal_namespace,
            codec_keys=ring.ids if ring else [],
            admits_plaintext=with_stack_keys(services.settings).codec_admit_plaintext,
        )
        emit(identity, as_json, _table)

    run(command)


def _table(identity: Identity) -> RenderableType:
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_row("[bold]you are[/]", identity.principal.describe())
    table.add_row("histories name you", identity.actor)
    table.add_row("Temporal", f"{identity.temporal} (namespace {identity.namespace})")
    keys = ", ".join(identity.codec_keys) or "[bold red]none: nothing you send will be read[/]"
    table.add_row("payload keys", keys)
    if identity.admits_plaintext:
        table.add_row("", "[yellow]plaintext payloads admitted (IURC_CODEC_ADMIT_PLAINTEXT)[/]")
    return table
