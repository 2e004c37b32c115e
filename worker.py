"""The worker process: `python worker.py` runs it, `python worker.py migrate` only migrates.

A thin entry point: what the worker runs and with what is wired in `iurc.wiring`, which
`iurc worker` and `iurc up` use too. Configuration comes from IURC_* environment variables
(iurc/settings.py). SIGINT and SIGTERM stop it gracefully: running activities get time to
finish, and cached pairings move to another worker at once instead of waiting out the
sticky-queue timeout.
"""

from __future__ import annotations

import asyncio

import typer

from iurc.settings import Settings
from iurc.shutdown import stop_on_signals
from iurc.wiring import configure_process, migrate_only, run_worker

app = typer.Typer(add_completion=False, help=__doc__)


def _settings() -> Settings:
    settings = Settings()
    configure_process(settings)
    return settings


@app.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    """Run the worker (the default) or apply migrations."""
    if ctx.invoked_subcommand is None:
        settings = _settings()

        async def main() -> None:
            await run_worker(settings, stop_on_signals())

        asyncio.run(main())


@app.command("migrate")
def migrate_command() -> None:
    """Apply the database migrations and exit. Safe to run twice or from two workers at once."""
    asyncio.run(migrate_only(_settings()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
