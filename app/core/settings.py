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
