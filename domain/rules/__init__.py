"""The rules of each command, one module per part of the lifecycle.

`primary_events` dispatches on the command's type; importing the modules below registers
their rules. The decider adds what follows from them (stage advances, back on track).
"""

from domain.rules import administration, follow_up, meetings, participation, pilot, plan
from domain.rules.base import Context, primary_events

__all__ = ["Context", "primary_events"]
_REGISTERED = (administration, follow_up, meetings, participation, pilot, plan)
