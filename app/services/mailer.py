"""Talking to the mail server (SMTP): secure connection, login, and answers people understand.

Every failure becomes a ``MailError`` that says what went wrong in the user's
terms (wrong password, no STARTTLS, certificate not valid, host not found,
timeout, recipient refused) and how the outbox must treat it:

* ``temporary`` — try again later (4xx answers, network trouble);
* ``uncertain`` — the connection broke while the message itself was being
  handed over, so it may have arrived: never re-sent automatically;
* ``setup`` — a problem with the settings, not with this message: stop the
  batch and leave everything queued.

The password comes from the OS keyring at connect time and is never logged,
stored or put into an error message.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Any

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class MailError(Exception):
    def __init__(
        self,
        message: str,
        *,
        kind: str,
        temporary: bool = False,
        uncertain: bool = False,
        setup: bool = False,
        code: int = 0,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.temporary = temporary
        self.uncertain = uncertain
        self.setup = setup
        self.code = code


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | tls | none
    user: str
    sender_name: str
    sender_address: str
    reply_to: str = ""
    bcc_self: bool = False
    timeout: int = 30
    ca_file: str = ""

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> SmtpSettings:
        return cls(
            host=str(values["smtp.host"]).strip(),
            port=int(values["smtp.port"]),
            security=str(values["smtp.security"]),
            user=str(values["smtp.user"]).strip(),
            sender_name=str(values["smtp.sender_name"]).strip()
            or str(values.get("company.name", "")).strip(),
            sender_address=str(values["smtp.sender_address"]).strip()
            or str(values.get("company.email", "")).strip(),
            reply_to=str(values["smtp.reply_to"]).strip(),
            bcc_self=bool(values["smtp.bcc_self"]),
            timeout=int(values["smtp.timeout_seconds"]),
            ca_file=str(values["smtp.ca_file"]).strip(),
        )

    def problem(self) -> str:
        """Why nothing can be sent with these settings yet ('' when they are complete)."""
        if not self.host:
            return "E-mail is not set up yet: enter your mail server in File → E-mail settings."
        if not self.sender_address:
            return "E-mail is not set up yet: enter the sender address in File → E-mail settings."
        if self.security == "none" and self.host.lower() not in LOCAL_HOSTS:
            return (
                f"Sending without encryption is only allowed to a server on this computer, not to "
                f"{self.host}; choose STARTTLS or TLS."
            )
        return ""

    @property
    def domain(self) -> str:
        return self.sender_address.rpartition("@")[2] or "counterfoil.invalid"


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise MailError(
                f"The extra trusted certificate {settings.ca_file} cannot be read: {exc}",
                kind="setup",
                setup=True,
            ) from None
    return context


def _where(settings: SmtpSettings) -> str:
    return f"{settings.host}:{settings.port}"


def _connect_error(exc: BaseException, settings: SmtpSettings) -> MailError:
    where = _where(settings)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError(
            f"The certificate of {settings.host} is not valid ({exc.verify_message or exc}). "
            "If this is your company's own server, add its certificate as the extra trusted "
            "certificate; otherwise check the host name.",
            kind="certificate",
            setup=True,
        )
    if isinstance(exc, socket.gaierror):
        return MailError(
            f"The mail server {settings.host} was not found. Check the host name and the "
            "internet connection.",
            kind="host_not_found",
            temporary=True,
            setup=True,
        )
    timed_out = isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)
    if timed_out or isinstance(exc, TimeoutError | socket.timeout):
        return MailError(
            f"The mail server {where} did not answer within {settings.timeout} seconds.",
            kind="timeout",
            temporary=True,
            setup=True,
        )
    if isinstance(exc, ConnectionRefusedError):
        return MailError(
            f"Nothing answers at {where}: the mail server is down or the port is wrong.",
            kind="refused",
            temporary=True,
            setup=True,
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(
            f"A secure connection to {where} failed ({exc.reason or exc}). Port 465 needs TLS, "
            "port 587 needs STARTTLS.",
            kind="tls",
            setup=True,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
        return MailError(
            f"The connection to {where} was lost ({exc}).",
            kind="network",
            temporary=True,
            setup=True,
        )
    return MailError(f"{where}: {exc}", kind="network", temporary=True, setup=True)


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


class SmtpConnection:
    """One open, authenticated connection; messages go one by one with a known outcome."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        problem = settings.problem()
        if problem:
            raise MailError(problem, kind="setup", setup=True)
        try:
            self._open(password)
        except MailError:
            self.close()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise _connect_error(exc, settings) from None

    def _open(self, password: str | None) -> None:
        s = self.settings
        if s.security == "tls":
            self._smtp = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=_tls_context(s)
            )
        else:
            self._smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        smtp = self._smtp
        if smtp.sock is not None:
            # A message ends with a small write; without this the kernel holds it back
            # waiting for an acknowledgement (Nagle), which costs ~40 ms per message.
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        smtp.ehlo()
        if s.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"The server {_where(s)} does not offer STARTTLS, so the password and the "
                    "e-mails would travel unencrypted. Choose TLS (usually port 465) or ask your "
                    "provider for the right port.",
                    kind="starttls",
                    setup=True,
                )
            try:
                smtp.starttls(context=_tls_context(s))
            except smtplib.SMTPResponseException as exc:
                raise MailError(
                    f"The server {_where(s)} refused STARTTLS ({_reply(exc.smtp_code, exc.smtp_error)}).",
                    kind="starttls",
                    setup=True,
                ) from None
            smtp.ehlo()
        if s.user:
            self._login(password)

    def _login(self, password: str | None) -> None:
        s = self.settings
        assert self._smtp is not None
        if not password:
            raise MailError(
                f"No password is stored for {s.user}. Enter it in File → E-mail settings "
                "(it is kept in the system keyring).",
                kind="no_password",
                setup=True,
            )
        try:
            self._smtp.login(s.user, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"The mail server refused the user name or password for {s.user} "
                f"({_reply(exc.smtp_code, exc.smtp_error)}). Check both in File → E-mail settings.",
                kind="auth",
                setup=True,
                code=exc.smtp_code,
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise MailError(
                f"The server {_where(s)} does not accept a login on this connection; "
                "check the security setting (STARTTLS or TLS).",
                kind="auth",
                setup=True,
            ) from None

    def send(self, message: EmailMessage, recipients: list[str]) -> str:
        """Hand one message over; returns the server's answer, raises MailError otherwise."""
        smtp = self._smtp
        assert smtp is not None
        sender = self.settings.sender_address
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                raise self._answer_error(code, text, f"The server refused the sender {sender}")
            main = recipients[0]
            for address in recipients:
                code, text = smtp.rcpt(address)
                if code not in (250, 251) and address == main:
                    smtp.rset()
                    raise self._answer_error(
                        code, text, f"The server refused the recipient {address}", kind="recipient"
                    )
        except MailError:
            raise
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"The connection to {_where(self.settings)} broke before the message was sent ({exc}).",
                kind="network",
                temporary=True,
            ) from None
        data = message.as_bytes(policy=SMTP_POLICY)
        try:
            code, text = smtp.data(data)
        except smtplib.SMTPDataError as exc:
            smtp.rset()
            raise self._answer_error(
                exc.smtp_code, exc.smtp_error, "The server refused the message"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"The connection broke while the message was being handed over ({exc}); "
                "it may have arrived.",
                kind="uncertain",
                uncertain=True,
            ) from None
        if code != 250:
            smtp.rset()
            raise self._answer_error(code, text, "The server refused the message")
        return _reply(code, text)

    @staticmethod
    def _answer_error(code: int, text: bytes | str, what: str, kind: str = "refused") -> MailError:
        answer = _reply(code, text)
        if 400 <= code < 500:
            return MailError(f"{what} for now: {answer}", kind=kind, temporary=True, code=code)
        return MailError(f"{what}: {answer}", kind=kind, code=code)

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stored_password(settings: SmtpSettings) -> str | None:
    """The SMTP password from the keyring (only asked for when a user name is set)."""
    if not settings.user:
        return None
    from app.services.secrets import SecretStoreError, get_secret

    try:
        return get_secret("smtp.password")
    except SecretStoreError as exc:
        raise MailError(str(exc), kind="keyring", setup=True) from None


def connect(settings: SmtpSettings) -> SmtpConnection:
    return SmtpConnection(settings, stored_password(settings))
