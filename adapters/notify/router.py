"""The notifier: one entry point that sends each message over the channel of its audience.

Which channel serves which audience is configuration (focal points by e-mail, the head of the
secretariat by webhook, everything by log in development), so it is checked when the
notifier is built: a route to a channel that is not configured, or for an audience that does
not exist, is refused then rather than discovered when the first escalation goes nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from adapters.notify.channel import Channel
from domain.messages import OutgoingMessage
from domain.notifications import Audience


class Notifier:
    """Channels by name and a routing table `audience -> channel name`, with a default."""

    def __init__(
        self, channels: Iterable[Channel], routes: Mapping[str, str], *, default: str = "log"
    ) -> None:
        self._channels: dict[str, Channel] = {}
        for channel in channels:
            if channel.name in self._channels:
                raise ValueError(f"two notification channels are named {channel.name!r}")
            self._channels[channel.name] = channel
        known = ", ".join(sorted(self._channels)) or "none"
        audiences = {audience.value for audience in Audience}
        for audience, name in {**routes, "(default)": default}.items():
            if audience != "(default)" and audience not in audiences:
                raise ValueError(
                    f"notification route for unknown audience {audience!r}; "
                    f"audiences are {', '.join(sorted(audiences))}"
                )
            if name not in self._channels:
                raise ValueError(
                    f"notification route {audience} -> {name!r}: no channel named {name!r} "
                    f"is configured (configured: {known})"
                )
        self._routes = dict(routes)
        self._default = default

    def channel_for(self, audience: str) -> str:
        return self._routes.get(audience, self._default)

    async def deliver(self, audience: str, message: OutgoingMessage) -> str:
        """Send `message` over the channel routed for `audience`; the channel's name.

        `DeliveryError` from the channel passes through unchanged.
        """
        name = self.channel_for(audience)
        await self._channels[name].send(message)
        return name
