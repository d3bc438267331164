"""Text messages to mobile phones, behind one small interface: a real provider in production, a
backend that only writes to the log in development and tests (``EVENTDESK_SMS_BACKEND=log``)."""

import importlib
import logging
from typing import Protocol

from flask import current_app

from eventdesk.core.identity import mask_phone

log = logging.getLogger("eventdesk.sms")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send `text` to the mainland mobile number `phone` (11 digits)."""


class LoggingSms:
    """Writes each message to the log instead of sending it (the phone masked, the text whole)."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


def sender() -> SmsSender:
    """The configured backend: ``log``, or ``package.module:Class`` of a provider's adapter."""
    backend = current_app.config.get("EVENTDESK_SMS_BACKEND") or "log"
    if backend == "log":
        return LoggingSms()
    module, _, name = backend.partition(":")
    return getattr(importlib.import_module(module), name)()
