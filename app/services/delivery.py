"""The sender: claim a message, send it, record it — one at a time, with a known outcome.

Messages are claimed one by one, so a crash can leave at most one message in
doubt.  A problem with the settings (wrong password, no STARTTLS, server down)
stops the batch and leaves everything queued; a problem with one message
(recipient refused) fails that message and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import make_msgid
from typing import Any

from sqlalchemy import func, select

from app.db import models as m
from app.services import outbox
from app.services import settings as settings_service
from app.services.context import AppContext
from app.services.errors import ServiceError
from app.services.mail_content import build_message, compose
from app.services.mailer import MailError, SmtpConnection, SmtpSettings, connect

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


class MailDeliveryError(ServiceError):
    """Sending did not work; the message says why in the user's terms."""


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    retry_later: int = 0
    unknown: int = 0
    cancelled: int = 0
    recovered_unknown: int = 0
    receipts_queued: int = 0
    reminders: dict[str, Any] = field(default_factory=dict)
    problem: str = ""
    stopped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def summary(self) -> str:
        parts = [f"{self.sent} e-mail(s) sent"]
        for count, words in (
            (self.retry_later, "to retry later"),
            (self.failed, "failed"),
            (self.unknown + self.recovered_unknown, "need checking (may have gone out)"),
        ):
            if count:
                parts.append(f"{count} {words}")
        text = ", ".join(parts) + "."
        return f"{text} {self.problem}" if self.problem else text


def _ready(ctx: AppContext) -> int:
    with ctx.uow.read() as uow:
        return int(
            uow.session.scalar(
                select(func.count()).where(
                    m.OutboxMessage.status == "queued",
                    m.OutboxMessage.not_before <= ctx.clock.wall_utc(),
                )
            )
            or 0
        )


def _setup_problem(ctx: AppContext, problem: str) -> None:
    from app.services.exceptions import raise_item

    with ctx.uow() as uow:
        raise_item(
            uow.session,
            ctx,
            type="mail_setup",
            entity_type="mail",
            entity_id=0,
            severity="high",
            title="E-mails cannot be sent",
            explanation=f"{problem} Everything stays in the outbox until this is fixed.",
            actions="open File → E-mail settings and send a test e-mail",
        )
        uow.commit()


def _setup_fixed(ctx: AppContext) -> None:
    from app.services.exceptions import resolve_items

    with ctx.uow() as uow:
        resolve_items(
            uow.session,
            ctx,
            entity_type="mail",
            entity_id=0,
            types=("mail_setup",),
            resolution="an e-mail went out",
            auto=True,
        )
        uow.commit()


def deliver(
    ctx: AppContext,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    limit: int | None = None,
) -> SendReport:
    """Send every queued message that may go now."""
    report = SendReport(recovered_unknown=outbox.recover(ctx))
    with ctx.uow.read() as uow:
        smtp = SmtpSettings.from_values(settings_service.get_all(uow.session))
    total = _ready(ctx)
    if total and smtp.problem():
        report.problem = smtp.problem()
        _setup_problem(ctx, report.problem)
        return report
    worker = outbox.worker_id()
    conn: SmtpConnection | None = None
    done = 0
    try:
        while not (cancel is not None and cancel()) and (limit is None or done < limit):
            claim = outbox.claim_next(ctx, worker, compose, smtp.domain)
            if claim is None:
                break
            done += 1
            if progress is not None:
                progress(done, max(total, done), f"sending to {claim.to_address}")
            conn, stop = _send_one(ctx, smtp, conn, claim, report)
            if stop:
                break
        report.stopped = cancel is not None and cancel()
    finally:
        if conn is not None:
            conn.close()
    if report.problem:
        _setup_problem(ctx, report.problem)
    elif report.sent:
        _setup_fixed(ctx)
    return report


def _send_one(
    ctx: AppContext,
    smtp: SmtpSettings,
    conn: SmtpConnection | None,
    claim: outbox.Claim,
    report: SendReport,
) -> tuple[SmtpConnection | None, bool]:
    """Send one claimed message; returns the connection to reuse and whether to stop."""
    try:
        attachment = claim.attachment() if claim.attachment is not None else None
    except Exception as exc:  # nothing was sent: the PDF could not be made
        outbox.fail(ctx, claim, f"The attachment could not be made: {exc}")
        report.failed += 1
        return conn, False
    message = build_message(
        sender_name=smtp.sender_name,
        sender_address=smtp.sender_address,
        reply_to=smtp.reply_to,
        to_address=claim.to_address,
        subject=claim.subject,
        text=claim.body_text,
        html=claim.body_html,
        message_id=claim.message_id,
        at=ctx.clock.now_utc(),
        attachment=attachment,
    )
    recipients = [claim.to_address]
    if smtp.bcc_self and smtp.sender_address.lower() != claim.to_address.lower():
        recipients.append(smtp.sender_address)
    try:
        if conn is None:
            conn = connect(smtp)
        reply = conn.send(message, recipients)
    except MailError as exc:
        return _failed(ctx, conn, claim, exc, report)
    except BaseException:
        outbox.mark_unknown(ctx, claim, "the sender stopped unexpectedly")
        raise
    outbox.mark_sent(ctx, claim, reply)
    report.sent += 1
    return conn, False


def _failed(
    ctx: AppContext,
    conn: SmtpConnection | None,
    claim: outbox.Claim,
    exc: MailError,
    report: SendReport,
) -> tuple[SmtpConnection | None, bool]:
    broken = exc.uncertain or exc.setup or exc.kind == "network"
    if broken and conn is not None:
        conn.close()
        conn = None
    if exc.uncertain:
        outbox.mark_unknown(ctx, claim, str(exc))
        report.unknown += 1
        return conn, False
    if exc.setup:
        outbox.retry_later(ctx, claim, str(exc), counted=exc.temporary, may_fail=False)
        report.retry_later += 1
        report.problem = str(exc)
        return conn, True
    if exc.temporary:
        if outbox.retry_later(ctx, claim, str(exc)) == "failed":
            report.failed += 1
        else:
            report.retry_later += 1
        return conn, exc.kind == "network"
    outbox.fail(ctx, claim, str(exc))
    report.failed += 1
    return conn, False


def send_due(
    ctx: AppContext, progress: Progress | None = None, cancel: Cancel | None = None
) -> SendReport:
    """The whole background job: queue due reminders (and receipts), then send what is ready."""
    from app.services.dunning import queue_due_reminders
    from app.services.mail_queue import queue_recent_receipts

    outbox.recover(ctx)
    receipts = queue_recent_receipts(ctx)
    reminders = queue_due_reminders(ctx)
    report = deliver(ctx, progress, cancel)
    report.receipts_queued = receipts
    report.reminders = reminders.as_dict()
    return report


def send_test(ctx: AppContext, address: str) -> str:
    """Send the test e-mail now (not through the outbox); returns the server's answer."""
    from app.core.mail_templates import render
    from app.services.mail_content import html_document
    from app.services.mail_facts import company_values
    from app.services.mail_templates import resolve

    if "@" not in address:
        raise MailDeliveryError(f"{address!r} is not an e-mail address.")
    with ctx.uow.read() as uow:
        values = settings_service.get_all(uow.session)
        _, template = resolve(uow.session, ["test"])
    smtp = SmtpSettings.from_values(values)
    mail = render(template, company_values(values, ctx.clock.today()))
    message = build_message(
        sender_name=smtp.sender_name,
        sender_address=smtp.sender_address,
        reply_to=smtp.reply_to,
        to_address=address,
        subject=mail.subject,
        text=mail.text,
        html=html_document(mail),
        message_id=make_msgid(domain=smtp.domain),
        at=ctx.clock.now_utc(),
    )
    try:
        with connect(smtp) as conn:
            return conn.send(message, [address])
    except MailError as exc:
        raise MailDeliveryError(str(exc)) from None
