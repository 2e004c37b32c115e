"""Who the secretariat's `iurc` acts as: the operator configured for this installation.

The CLI's principal is never typed per command: it comes from the installation's settings
(IURC_OPERATOR, IURC_OPERATOR_ROLE), in development defaulting to the login name. What
makes it trustworthy is not the name but the keys: in production the CLI needs the
namespace credentials and the payload keys to send anything at all, and the worker reads
nothing that is not sealed with them.
"""

from __future__ import annotations

import getpass
import re

from pydantic import ValidationError

from domain.principals import Principal, Role
from iurc.settings import Settings


class OperatorError(ValueError):
    """The operator is not configured well enough to send commands."""


def operator_principal(settings: Settings) -> Principal:
    """The principal this installation's CLI sends commands as."""
    production = settings.environment == "production"
    name = settings.operator
    if name is None:
        if production:
            raise OperatorError(
                "IURC_OPERATOR is not set: in production the CLI acts only as a named "
                "secretariat member (e.g. IURC_OPERATOR=kim and IURC_OPERATOR_ROLE=operator)"
            )
        name = login_name()
    role = settings.operator_role or ("operator" if production else "programme_officer")
    try:
        return Principal(role=Role(role), name=name)
    except ValidationError:
        raise OperatorError(
            f"IURC_OPERATOR {name[:64]!r} is not usable as a name: letters, digits and . _ - "
            "only, at most 64, starting with a letter or digit (a login, not an e-mail address)"
        ) from None


def login_name() -> str:
    """The login name, made usable as a principal's name; `operator` if there is none."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "operator"
    usable = re.sub(r"[^A-Za-z0-9._-]", "-", login).lstrip("._-")[:64]
    return usable or "operator"
