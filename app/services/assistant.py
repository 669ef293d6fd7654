"""Optional rewording of reminder e-mails and the brief through an OpenAI-compatible endpoint.

Off by default.  When the owner switches it on, the endpoint (for example a
model server on the same computer) receives only a template whose facts are
empty slots — ``⟦AMOUNT_DUE⟧``, ``⟦DUE_DATE⟧``, ``⟦INVOICE_NO⟧``,
``⟦CLIENT_NAME⟧`` — never a client's name, an amount or a number.  Its reply
must pass ``app.core.guardrail.check_reply``; a reply that fails is asked for
once more at temperature 0, and if that fails too the plain template is used.
An endpoint that does not answer within the timeout is not asked again in the
same call.  Any address other than this computer needs the explicit
``assistant.allow_remote`` consent; without it no request is made.  The key,
if the endpoint needs one, lives in the keyring (``assistant.api_key``).

Callers run on a worker thread (the GUI never calls this on its own thread),
and the call is bounded by the timeout, so the window never waits on it.

Contract for other parts (mail, dunning, brief)::

    text = reword(ctx, template_text, {"AMOUNT_DUE", "DUE_DATE"}, "en")
    mail = reword_and_fill(ctx, template_text, {"AMOUNT_DUE": "€1,230.00", ...}, "en")
"""

from __future__ import annotations

import ipaddress
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from app.core.guardrail import check_reply, fill, slot_name, slots_in, unfounded
from app.services import settings as settings_service
from app.services.context import AppContext

log = logging.getLogger(__name__)

FIRST_TEMPERATURE = 0.4
SYSTEM_PROMPT = (
    "You rewrite short business e-mail templates so they read naturally and politely. "
    "Keep the language of the template ({language}). Keep every placeholder written like "
    "⟦NAME⟧ exactly as it is, each exactly once. Do not add numbers, dates, days of the week, "
    "months, amounts, currencies, percentages, names, bank details, links or e-mail addresses. "
    "Reply with the rewritten template only."
)


@dataclass(frozen=True)
class EndpointSettings:
    enabled: bool
    endpoint: str
    model: str
    allow_remote: bool
    timeout: float


def endpoint_settings(ctx: AppContext) -> EndpointSettings:
    values = settings_service.load_settings(ctx)
    timeout: Decimal = values["assistant.timeout_seconds"]
    return EndpointSettings(
        values["assistant.enabled"],
        values["assistant.endpoint"].strip(),
        values["assistant.model"].strip(),
        values["assistant.allow_remote"],
        float(timeout),
    )


def is_local(url: str) -> bool:
    """True only for this computer (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_ask(cfg: EndpointSettings) -> str:
    """Why the endpoint may not be asked ("" when it may)."""
    if not cfg.enabled:
        return "rewording is switched off"
    scheme = urlsplit(cfg.endpoint).scheme
    if scheme not in ("http", "https"):
        return f"the endpoint {cfg.endpoint!r} is not an http(s) address"
    if not is_local(cfg.endpoint) and not cfg.allow_remote:
        return "the endpoint is not on this computer and sending to it was not allowed"
    return ""


def _api_key() -> str | None:
    from app.services.secrets import SecretStoreError, get_secret

    try:
        return get_secret("assistant.api_key")
    except SecretStoreError:
        return None


def _ask(cfg: EndpointSettings, template: str, language: str, temperature: float) -> str:
    """One chat-completions request; the body holds the instructions and the template only."""
    body = {
        "model": cfg.model or "default",
        "temperature": temperature,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT.format(language=language or "unchanged")},
            {"role": "user", "content": template},
        ],
    }
    headers = {"Content-Type": "application/json"}
    key = _api_key()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    url = cfg.endpoint.rstrip("/") + "/chat/completions"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=cfg.timeout) as response:
        payload: Any = json.loads(response.read().decode("utf-8"))
    content = payload["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise ValueError("the reply has no text")
    return content.strip()


def reword(ctx: AppContext, template_text: str, slots: Iterable[str], language: str) -> str:
    """The template reworded (slots still empty), or the plain template.

    ``slots`` are the slot names the caller will fill (``"AMOUNT_DUE"`` or
    ``"⟦AMOUNT_DUE⟧"``); ``language`` is the template's language (``"en"``,
    ``"de_DE"``…).  Returns ``template_text`` unchanged when rewording is off,
    the endpoint may not be asked, does not answer in time, or both replies
    fail the guardrail.
    """
    cfg = endpoint_settings(ctx)
    refusal = may_ask(cfg)
    if refusal:
        return template_text
    allowed = {slot_name(s) for s in slots} | set(slots_in(template_text))
    for temperature in (FIRST_TEMPERATURE, 0.0):
        try:
            reply = _ask(cfg, template_text, language, temperature)
        except TimeoutError:
            log.info("rewording endpoint did not answer within %s s", cfg.timeout)
            return template_text
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                log.info("rewording endpoint did not answer within %s s", cfg.timeout)
            else:
                log.info("rewording endpoint unreachable: %s", exc.reason)
            return template_text
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.info("rewording reply unusable: %s", exc)
            continue
        verdict = check_reply(template_text, reply, allowed, language)
        if verdict.ok:
            return reply
        log.info("rewording reply refused: %s", "; ".join(verdict.problems))
    return template_text


def reword_and_fill(
    ctx: AppContext, template_text: str, facts: Mapping[str, str], language: str
) -> str:
    """Reword (when switched on), fill the slots locally, and check the facts in the result.

    If the finished text states a number or date that is not one of ``facts``,
    the plain template filled with the same facts is returned instead.
    """
    plain = fill(template_text, facts)
    text = reword(ctx, template_text, set(facts), language)
    if text == template_text:
        return plain
    try:
        finished = fill(text, facts)
    except KeyError:
        return plain
    return plain if unfounded(finished, facts) else finished
