"""Notification channels: how a rendered message leaves the service, by e-mail or webhook.

The domain decides who must hear what and in which words (`domain.messages`); this package
only delivers an `OutgoingMessage` over a channel chosen per audience in settings. It is an
adapter of its own, next to PostgreSQL, so each channel is tested against a real peer on
loopback (an SMTP server, an HTTP receiver) without Temporal: the activities that call it
own retries, and `DeliveryError.retryable` tells them whether trying again can help.
"""
