"""Every business setting, declared once with its type, default and meaning.

Business settings live in the database (so a backup carries them), window
state lives in QSettings and secrets in the OS keyring; this module declares
only the first kind.  Services read settings through these declarations, so a
missing key always has a sensible default and a wrong type is refused with a
message that names the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.reminder_policy import DEFAULT_STAGES


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: type
    default: Any
    label: str
    help: str = ""
    choices: tuple[str, ...] = ()
    validate: Callable[[Any], str | None] | None = None


class SettingError(ValueError):
    """A setting value that does not fit its declaration."""


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than zero"


def _not_negative(value: Any) -> str | None:
    return None if value >= 0 else "must not be negative"


def _port(value: Any) -> str | None:
    return None if 0 < value < 65536 else "must be a port number (1–65535)"


def _address(value: Any) -> str | None:
    text = str(value).strip()
    return None if not text or ("@" in text and " " not in text) else "must be an e-mail address"


def _clock(value: Any) -> str | None:
    from app.core.sending_window import WindowError, parse_clock

    try:
        parse_clock(value)
    except WindowError as exc:
        return str(exc)
    return None


def _days(value: Any) -> str | None:
    from app.core.sending_window import WindowError, parse_days

    try:
        parse_days(value)
    except WindowError as exc:
        return str(exc)
    return None


def _stages(value: Any) -> str | None:
    from app.core.reminder_policy import PolicyError, parse_stages

    try:
        parse_stages(value)
    except PolicyError as exc:
        return str(exc)
    return None


def _rate_table(value: Any) -> str | None:
    from app.core.late_fees import RateTableError, parse_rate_table

    try:
        parse_rate_table(value)
    except RateTableError as exc:
        return str(exc)
    return None


_SPECS: list[SettingSpec] = [
    SettingSpec("company.name", str, "", "Company name"),
    SettingSpec("company.address", str, "", "Company address (one line per row)"),
    SettingSpec("company.tax_id", str, "", "Tax / VAT number"),
    SettingSpec("company.registration", str, "", "Company registration number"),
    SettingSpec("company.email", str, "", "Company e-mail"),
    SettingSpec("company.phone", str, "", "Company phone"),
    SettingSpec("company.website", str, "", "Company website"),
    SettingSpec("company.currency", str, "EUR", "Default currency"),
    SettingSpec("company.locale", str, "en_IE", "Locale for numbers and dates"),
    SettingSpec("company.time_zone", str, "Europe/Dublin", "Business time zone"),
    SettingSpec("company.country", str, "IE", "Country (ISO 3166 code)"),
    SettingSpec("company.logo_path", str, "", "Logo file"),
    SettingSpec("payment.iban", str, "", "Bank account IBAN"),
    SettingSpec("payment.bic", str, "", "Bank BIC"),
    SettingSpec("payment.bank_name", str, "", "Bank name"),
    SettingSpec("payment.link_template", str, "", "Payment link ({number}, {amount})"),
    SettingSpec("numbering.invoice_template", str, "INV-{YYYY}-{SEQ:05}", "Invoice numbers"),
    SettingSpec("numbering.credit_note_template", str, "CN-{YYYY}-{SEQ:05}", "Credit note numbers"),
    SettingSpec("numbering.reset_yearly", bool, True, "Restart numbering every year"),
    SettingSpec(
        "tax.rounding",
        str,
        "line",
        "Tax rounding",
        "Round tax on each line, or once per rate on the invoice total.",
        choices=("line", "invoice"),
    ),
    SettingSpec(
        "money.rounding",
        str,
        "half_up",
        "Rounding rule",
        choices=("half_up", "half_even"),
    ),
    SettingSpec(
        "tax.default_rate", Decimal, Decimal("0"), "Default tax rate (%)", validate=_not_negative
    ),
    SettingSpec("tax.requires_client_tax_id", bool, False, "Clients need a tax id"),
    SettingSpec(
        "billing.default_terms_days", int, 30, "Payment terms (days)", validate=_not_negative
    ),
    SettingSpec("billing.auto_issue", bool, True, "Issue clean drafts automatically"),
    SettingSpec(
        "billing.variance_percent",
        Decimal,
        Decimal("10"),
        "Variance threshold (%)",
        validate=_not_negative,
    ),
    SettingSpec(
        "billing.approval_amount",
        Decimal,
        Decimal("10000"),
        "Amounts above this need approval",
        validate=_not_negative,
    ),
    SettingSpec("billing.catchup_review_periods", int, 2, "Catch-up periods before review"),
    SettingSpec("scheduler.enabled", bool, True, "Run bill runs and sending in the background"),
    SettingSpec("scheduler.interval_minutes", int, 15, "Check every (minutes)", validate=_positive),
    SettingSpec(
        "bank.fee_tolerance", Decimal, Decimal("2.00"), "Bank-fee tolerance", validate=_not_negative
    ),
    SettingSpec("bank.fee_writeoff", bool, True, "Close short payments with a bank-charges line"),
    SettingSpec("bank.auto_apply", bool, True, "Apply sure matches automatically"),
    SettingSpec(
        "branding.template", str, "classic", "Invoice layout", choices=("classic", "modern")
    ),
    SettingSpec(
        "branding.accent",
        str,
        "#1F4E79",
        "Accent colour",
        validate=lambda v: (
            None
            if len(v) == 7
            and v.startswith("#")
            and all(c in "0123456789abcdefABCDEF" for c in v[1:])
            else "must be a colour like #1F4E79"
        ),
    ),
    SettingSpec("branding.paper", str, "A4", "Paper size", choices=("A4", "Letter")),
    SettingSpec("branding.footer", str, "", "Footer text on every page"),
    SettingSpec("backup.keep_days", int, 14, "Keep backups (days)", validate=_positive),
    SettingSpec("ui.onboarded", bool, False, "First-run setup done"),
    # e-mail and reminders
    SettingSpec("smtp.host", str, "", "Mail server (SMTP host)"),
    SettingSpec("smtp.port", int, 587, "Mail server port", validate=_port),
    SettingSpec(
        "smtp.security",
        str,
        "starttls",
        "Connection security",
        "STARTTLS (usually port 587), implicit TLS (port 465), or none (only for a server "
        "on this computer).",
        choices=("starttls", "tls", "none"),
    ),
    SettingSpec("smtp.user", str, "", "Mail server user name"),
    SettingSpec("smtp.sender_name", str, "", "Sender name"),
    SettingSpec("smtp.sender_address", str, "", "Sender e-mail address", validate=_address),
    SettingSpec("smtp.reply_to", str, "", "Reply-to address", validate=_address),
    SettingSpec("smtp.bcc_self", bool, False, "Send a blind copy of every e-mail to the sender"),
    SettingSpec("smtp.timeout_seconds", int, 30, "Mail server timeout (s)", validate=_positive),
    SettingSpec(
        "smtp.ca_file",
        str,
        "",
        "Extra trusted certificate",
        "A PEM file to trust besides the system's certificates (a company's own mail server).",
    ),
    SettingSpec("mail.send_invoices", bool, True, "E-mail invoices when they are issued"),
    SettingSpec("mail.send_receipts", bool, False, "E-mail a thank-you receipt for payments"),
    SettingSpec(
        "mail.window_start", str, "09:00", "Reminders from (client's time)", validate=_clock
    ),
    SettingSpec(
        "mail.window_end", str, "17:00", "Reminders until (client's time)", validate=_clock
    ),
    SettingSpec("mail.window_days", str, "mon-fri", "Reminder days", validate=_days),
    SettingSpec("dunning.enabled", bool, True, "Send payment reminders automatically"),
    SettingSpec(
        "dunning.stages",
        str,
        DEFAULT_STAGES,
        "Reminder stages",
        "Name and days from the due date; '!' also puts the invoice in the exceptions queue.",
        validate=_stages,
    ),
    SettingSpec(
        "dunning.minimum_balance",
        Decimal,
        Decimal("5"),
        "No reminders below this balance",
        validate=_not_negative,
    ),
    SettingSpec("dunning.spacing_days", int, 3, "Days between e-mails about one invoice"),
    SettingSpec("dunning.promise_grace_days", int, 2, "Grace days after a promise to pay"),
    SettingSpec("dunning.payment_hold_days", int, 10, "Hold when a payment arrived (days)"),
    SettingSpec(
        "dunning.require_recent_import",
        bool,
        True,
        "Overdue reminders need a recent bank import",
    ),
    SettingSpec("dunning.import_max_age_days", int, 5, "Bank import older than (business days)"),
    SettingSpec(
        "dunning.habitual_after",
        int,
        2,
        "Firmer wording after this many late invoices",
        "Late or overdue invoices of the client in the last twelve months.",
    ),
    SettingSpec("late_fees.enabled", bool, False, "Claim late-payment interest (B2B only)"),
    SettingSpec(
        "late_fees.rule",
        str,
        "eu_2011_7",
        "Late-payment law",
        choices=("eu_2011_7", "uk_late_payment"),
    ),
    SettingSpec(
        "late_fees.rate_table",
        str,
        "",
        "Reference rates (date rate; …)",
        "The central bank reference rate in force from each date, e.g. '2026-01-01 2.15'.",
        validate=_rate_table,
    ),
    SettingSpec("late_fees.from_stage", str, "third", "Claim from reminder stage"),
    SettingSpec(
        "late_fees.mode",
        str,
        "reminder",
        "Claim late fees",
        "On the reminder letter, or as a separate invoice.",
        choices=("reminder", "invoice"),
    ),
    # exceptions and assistant
    SettingSpec(
        "exceptions.recent_days",
        int,
        30,
        "Check invoices issued in the last (days)",
        "Drafts and invoices in review are always checked.",
        validate=_positive,
    ),
    SettingSpec(
        "exceptions.duplicate_days",
        int,
        7,
        "Possible duplicate: issued within (days)",
        validate=_not_negative,
    ),
    SettingSpec(
        "exceptions.duplicate_percent",
        Decimal,
        Decimal("1"),
        "Possible duplicate: amounts within (%)",
        validate=_not_negative,
    ),
    SettingSpec(
        "exceptions.anomaly_z",
        Decimal,
        Decimal("3.5"),
        "Unusual amount: modified z-score above",
        validate=_positive,
    ),
    SettingSpec(
        "exceptions.anomaly_min_history",
        int,
        6,
        "Unusual amount: past invoices for the z-score",
        "With fewer, an amount above 2× or below 0.5× the median is flagged.",
        validate=_positive,
    ),
    SettingSpec(
        "exceptions.anomaly_flat_percent",
        Decimal,
        Decimal("10"),
        "Unusual amount: change from a fixed amount (%)",
        validate=_not_negative,
    ),
    SettingSpec(
        "exceptions.unmatched_line_days",
        int,
        5,
        "Unmatched bank line: older than (days)",
        validate=_not_negative,
    ),
    SettingSpec(
        "exceptions.duplicate_line_days",
        int,
        0,
        "Bank line imported twice: booking dates within (days)",
        validate=_not_negative,
    ),
    SettingSpec(
        "exceptions.auto_fee_writeoff",
        bool,
        True,
        "Rule: write off short payments within the bank-fee tolerance",
    ),
    SettingSpec(
        "exceptions.auto_clear_explained_variance",
        bool,
        True,
        "Rule: clear a variance explained by proration or an agreed change",
    ),
    SettingSpec(
        "exceptions.auto_ignore_duplicate_lines",
        bool,
        True,
        "Rule: ignore a bank line imported twice",
    ),
    SettingSpec(
        "exceptions.auto_apply_credit",
        bool,
        True,
        "Rule: apply a client's credit to their next invoice (same currency)",
    ),
    SettingSpec(
        "exceptions.auto_close_matched_lines",
        bool,
        True,
        "Rule: close an unmatched-line item once the line is matched",
    ),
    SettingSpec(
        "assistant.enabled",
        bool,
        False,
        "Reword reminders and the brief with a language model",
        "Off by default. Only templates with empty slots are sent, never client data.",
    ),
    SettingSpec(
        "assistant.endpoint",
        str,
        "http://127.0.0.1:11434/v1",
        "Language-model endpoint (OpenAI-compatible)",
        "For example a model server on this computer (Ollama, llama.cpp server).",
    ),
    SettingSpec("assistant.model", str, "", "Language model name"),
    SettingSpec(
        "assistant.allow_remote",
        bool,
        False,
        "Allow an endpoint on another computer",
        "Needed for any address other than this computer; templates then leave the machine.",
    ),
    SettingSpec(
        "assistant.timeout_seconds",
        Decimal,
        Decimal("10"),
        "Language model: wait at most (seconds)",
        validate=_positive,
    ),
]

SPECS: dict[str, SettingSpec] = {s.key: s for s in _SPECS}


def spec(key: str) -> SettingSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise SettingError(f"unknown setting {key!r}") from None


def coerce(key: str, value: Any) -> Any:
    """Convert a user- or JSON-supplied value to the declared type, or explain why not."""
    s = spec(key)
    try:
        if s.kind is bool:
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered in {"1", "true", "yes", "on"}:
                    converted: Any = True
                elif lowered in {"0", "false", "no", "off"}:
                    converted = False
                else:
                    raise ValueError
            else:
                converted = bool(value)
        elif s.kind is Decimal:
            if isinstance(value, float):
                raise ValueError
            converted = Decimal(str(value).strip())
            if not converted.is_finite():
                raise ValueError
        elif s.kind is int:
            if isinstance(value, bool):
                raise ValueError
            converted = int(str(value).strip())
        else:
            converted = "" if value is None else str(value)
    except (ValueError, InvalidOperation):
        raise SettingError(
            f"{s.label} ({key}) must be {_kind_words(s.kind)}, not {value!r}"
        ) from None
    if s.choices and converted not in s.choices:
        raise SettingError(f"{s.label} ({key}) must be one of {', '.join(s.choices)}")
    if s.validate is not None:
        problem = s.validate(converted)
        if problem:
            raise SettingError(f"{s.label} ({key}) {problem}")
    return converted


def to_json_value(key: str, value: Any) -> Any:
    """Decimals are stored as strings so they stay exact."""
    return str(value) if spec(key).kind is Decimal else value


def _kind_words(kind: type) -> str:
    return {bool: "yes or no", Decimal: "a number", int: "a whole number"}.get(kind, "text")
