"""Sending e-mail: through the SMTP server of `CHAT_SMTP_URL`, or in demo mode into `<data dir>/outbox/`.

URL forms: `smtp://host:25` (plain), `smtp+starttls://user:password@host:587`, `smtps://user:password@host:465`.
Without an SMTP URL outside demo mode there is no e-mail: `available` is False and the widget does not
offer the transcript.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chat.actions.errors import ActionError
from chat.models import utcnow
from chat.settings import Config

SMTP_TIMEOUT_SECONDS = 15
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class Mailer:
    def __init__(self, config: Config) -> None:
        self.smtp_url = config.smtp_url
        self.sender = config.mail_from
        self.outbox = config.data_dir / "outbox" if config.demo and not config.smtp_url else None
        if self.smtp_url and urlsplit(self.smtp_url).scheme not in SCHEMES:
            raise ValueError(f"CHAT_SMTP_URL must start with one of {', '.join(s + '://' for s in SCHEMES)}")

    @property
    def available(self) -> bool:
        return bool(self.smtp_url) or self.outbox is not None

    def deliver(self, message: EmailMessage) -> str:
        """Returns where the message went: `smtp` or the path of the file in the outbox."""
        if self.smtp_url:
            self._send_smtp(message)
            return "smtp"
        if self.outbox is not None:
            return str(self._write_outbox(message))
        raise ActionError("invalid_state", "E-mail is not set up on this chat server.")

    def _write_outbox(self, message: EmailMessage) -> Path:
        assert self.outbox is not None
        self.outbox.mkdir(parents=True, exist_ok=True)
        path = self.outbox / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.as_bytes())
        return path

    def _send_smtp(self, message: EmailMessage) -> None:
        url = urlsplit(self.smtp_url)
        host = url.hostname or "localhost"
        port = url.port or SCHEMES[url.scheme]
        try:
            if url.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_SECONDS,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
            with client:
                if url.scheme == "smtp+starttls":
                    client.starttls(context=ssl.create_default_context())
                if url.username:
                    client.login(unquote(url.username), unquote(url.password or ""))
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise ActionError("unavailable", "The e-mail could not be sent right now; please try again later.") \
                from error
