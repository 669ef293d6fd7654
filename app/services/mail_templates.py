"""E-mail templates: the defaults shipped in resources/, and the user's edited versions.

An edited template is stored in the database's settings table (so a backup
carries it) under ``template:mail/NAME``; a template is checked before it is
stored, so a placeholder the program cannot fill is refused with its name.
Reminder templates are looked up from the most specific name to the most
general: ``second-gentle`` → ``second`` → ``reminder-gentle`` → ``reminder``.
"""

from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy.orm import Session

from app.core.mail_templates import MailTemplate, TemplateError, check, read_text_file
from app.db import models as m
from app.resources import resource_path
from app.services.audit import record
from app.services.context import AppContext
from app.services.errors import NotFoundError, ValidationError

PREFIX = "template:mail/"
BASE_NAMES = (
    "invoice",
    "credit_note",
    "receipt",
    "statement",
    "test",
    "reminder",
    "reminder-gentle",
)
STAGE_NAMES = ("heads_up", "first", "second", "third", "final")


def template_names() -> list[str]:
    """Every template a user can edit, in the order the editor lists them."""
    names = list(BASE_NAMES)
    for stage in STAGE_NAMES:
        names += [stage, f"{stage}-gentle"]
    return names


def kind_of(name: str) -> str:
    """The kind of e-mail a template writes (decides which placeholders it may use)."""
    if name in ("invoice", "credit_note", "receipt", "statement", "test"):
        return name
    return "reminder"


def reminder_candidates(stage: str, tone: str) -> list[str]:
    gentle = tone == "gentle"
    names = [f"{stage}-gentle", stage, "reminder-gentle", "reminder"]
    return names if gentle else [stage, "reminder"]


@lru_cache(maxsize=64)
def default_template(name: str) -> MailTemplate | None:
    """The template shipped with the program, or None if there is none of that name."""
    folder = resource_path("templates", "mail")
    text_file, html_file = folder / f"{name}.txt", folder / f"{name}.html"
    if not text_file.is_file():
        return None
    subject, text = read_text_file(text_file.read_text(encoding="utf-8"))
    body = html_file.read_text(encoding="utf-8") if html_file.is_file() else ""
    return MailTemplate(subject, text, body)


def stored_template(session: Session, name: str) -> MailTemplate | None:
    row = session.get(m.Setting, PREFIX + name)
    if row is None:
        return None
    data = json.loads(row.value_json)
    return MailTemplate(data["subject"], data["text"], data["html"])


def resolve(session: Session, names: list[str]) -> tuple[str, MailTemplate]:
    """The first of ``names`` that exists (the user's version before the default)."""
    for name in names:
        found = stored_template(session, name) or default_template(name)
        if found is not None:
            return name, found
    raise NotFoundError(f"No e-mail template found (looked for {', '.join(names)}).")


def load_template(ctx: AppContext, name: str) -> tuple[MailTemplate, bool]:
    """The template as the editor shows it, and whether it is the user's own version."""
    _known(name)
    with ctx.uow.read() as uow:
        stored = stored_template(uow.session, name)
    if stored is not None:
        return stored, True
    default = default_template(name)
    if default is None:
        raise NotFoundError(f"There is no template {name!r}.")
    return default, False


def save_template(ctx: AppContext, name: str, template: MailTemplate) -> None:
    """Check and store an edited template; an unknown placeholder is refused by name."""
    _known(name)
    try:
        check(template, kind_of(name))
    except TemplateError as exc:
        raise ValidationError(str(exc)) from None
    if not template.subject.strip() or not template.text.strip():
        raise ValidationError("A template needs a subject and a plain-text body.")
    payload = json.dumps(
        {"subject": template.subject, "text": template.text, "html": template.html},
        ensure_ascii=False,
    )
    with ctx.uow() as uow:
        s = uow.session
        row = s.get(m.Setting, PREFIX + name)
        if row is None:
            s.add(m.Setting(key=PREFIX + name, value_json=payload, updated_at=ctx.clock.now_utc()))
        else:
            row.value_json, row.updated_at = payload, ctx.clock.now_utc()
        record(s, ctx.audit, "template.save", "template", name, after={"subject": template.subject})
        uow.commit()


def reset_template(ctx: AppContext, name: str) -> None:
    """Go back to the shipped wording."""
    _known(name)
    with ctx.uow() as uow:
        row = uow.session.get(m.Setting, PREFIX + name)
        if row is not None:
            uow.session.delete(row)
            record(uow.session, ctx.audit, "template.reset", "template", name)
        uow.commit()


def _known(name: str) -> None:
    if name not in template_names():
        raise NotFoundError(f"There is no template {name!r}; known: {', '.join(template_names())}.")
