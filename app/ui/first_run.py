"""The first start on an empty book, and the work the setup wizard does when it finishes.

A person who has just installed Counterfoil should not have to know what a
"locale" or an IANA time zone is: the wizard starts from what the operating
system already says (its language, region and clock), and only a book that
is really new — never set up and without a single client — opens it by
itself.  What Finish does (save every setting in one transaction, copy the
logo into the data home, import clients or load the demo) is plain code over
the services, so it runs on a worker and can be tested without a window.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import QLocale, QTimeZone

from app.ui.handle import AppHandle

ZONE_REGIONS = frozenset(
    "Africa America Antarctica Arctic Asia Atlantic Australia Europe Indian Pacific".split()
)
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu"})


def is_new_book(ctx: Any) -> bool:
    from app.services.clients import ClientQuery, client_ids
    from app.services.settings import load_settings

    return not load_settings(ctx)["ui.onboarded"] and not client_ids(
        ctx, ClientQuery(include_archived=True)
    )


# ---- defaults from this computer -----------------------------------------------------


def time_zone_names() -> list[str]:
    """Place names (Europe/Berlin…) plus UTC, without legacy aliases such as US/Eastern."""
    return [*sorted(z for z in available_timezones() if z.split("/")[0] in ZONE_REGIONS), "UTC"]


def system_time_zone() -> str | None:
    """This computer's time zone as a place name, or None when it cannot be told."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    if name in _UTC_NAMES:
        return "UTC"
    return name if name.split("/")[0] in ZONE_REGIONS and name in available_timezones() else None


def system_locale() -> str | None:
    """This computer's language and region (``de_AT``), or None for the bare "C" locale."""
    from app.formatting import parse_locale

    name = QLocale.system().name()
    if "_" not in name:
        return None
    try:
        parse_locale(name)
    except ValueError:
        return None
    return name


def system_currency(locale: str) -> str | None:
    """The legal tender of the locale's country (EUR for de_AT), if it is one we know."""
    from babel.numbers import get_territory_currencies

    from app.core.currency import KNOWN_CURRENCIES
    from app.formatting import parse_locale

    territory = parse_locale(locale).territory
    found = get_territory_currencies(territory, tender=True) if territory else []
    return found[0] if found and found[0] in KNOWN_CURRENCIES else None


def first_run_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """The stored settings; for a book never set up, locale, currency and zone of this computer."""
    if values.get("ui.onboarded"):
        return values
    out = dict(values)
    locale = system_locale()
    if locale:
        out["company.locale"] = locale
        out["company.currency"] = system_currency(locale) or out["company.currency"]
    out["company.time_zone"] = system_time_zone() or out["company.time_zone"]
    return out


# ---- the work behind the wizard (runs on a worker) ----------------------------------------


@dataclass(frozen=True)
class SetupPlan:
    """What Finish does: the settings to save, and how the book starts."""

    values: dict[str, Any]
    password: str | None = None
    start: str = "empty"  # "import", "demo" or "empty"
    clients_csv: bytes = b""
    skip_invalid: bool = False


@dataclass
class SetupOutcome:
    start: str
    imported: int = 0
    demo: dict[str, int] = field(default_factory=dict)


@dataclass
class StoredSetup:
    """What the wizard starts from: the settings, whether there are clients, the keyring."""

    values: dict[str, Any]
    has_clients: bool
    keyring: bool
    password_stored: bool
    invoice_numbers_taken: dict[str, int] = field(default_factory=dict)  # period key → last


def read_stored_setup(ctx: Any) -> StoredSetup:
    from app.services.clients import ClientQuery, client_ids
    from app.services.numbering import last_taken
    from app.services.secrets import SecretStoreError, get_secret, keyring_available
    from app.services.settings import load_settings

    available, stored = keyring_available(), False
    if available:
        try:
            stored = bool(get_secret("smtp.password"))
        except SecretStoreError:
            stored = False
    has_clients = bool(client_ids(ctx, ClientQuery(include_archived=True)))
    taken = last_taken(ctx, "invoice")
    return StoredSetup(load_settings(ctx), has_clients, available, stored, taken)


def store_logo(branding: Path, source: str) -> str:
    """Copy the logo into the data home, named by its content, so that a backup carries it."""
    path = Path(source)
    if path.parent == branding:
        return str(path)
    data = path.read_bytes()
    branding.mkdir(parents=True, exist_ok=True)
    target = branding / f"logo-{hashlib.sha256(data).hexdigest()[:12]}{path.suffix.lower()}"
    if not target.exists():
        target.write_bytes(data)
    return str(target)


def complete_setup(ctx: Any, plan: SetupPlan) -> SetupOutcome:
    """Demo data first (it brings a company of its own), then the user's settings, then clients."""
    from app.services.clients import import_clients
    from app.services.secrets import set_secret
    from app.services.settings import save_settings

    outcome = SetupOutcome(plan.start)
    if plan.start == "demo":
        from app.services.demo import load_demo

        outcome.demo = load_demo(ctx)
    values = dict(plan.values)
    if values.get("company.logo_path"):
        values["company.logo_path"] = store_logo(
            ctx.home.root / "branding", values["company.logo_path"]
        )
    save_settings(ctx, values)
    if plan.password is not None:
        set_secret("smtp.password", plan.password)
    if plan.start == "import":
        outcome.imported = import_clients(
            ctx, plan.clients_csv, skip_invalid=plan.skip_invalid
        ).imported
    return outcome


def send_mail_test(ctx: Any, values: dict[str, Any], password: str | None, address: str) -> str:
    """The test reads the stored settings, so the e-mail part is saved before sending."""
    from app.services.delivery import send_test
    from app.services.secrets import set_secret
    from app.services.settings import save_settings

    save_settings(ctx, values)
    if password is not None:
        set_secret("smtp.password", password)
    return send_test(ctx, address)


def preview_clients(path: Path, currency: str, terms_days: int, require_tax_id: bool) -> Any:
    """(bytes, ClientImport): the rows the file would give, checked, with nothing written."""
    from app.core.client_import import read_clients_csv

    data = path.read_bytes()
    found = read_clients_csv(
        data,
        default_currency=currency,
        default_terms_days=terms_days,
        require_tax_id=require_tax_id,
    )
    return data, found


# ---- opening the wizard -----------------------------------------------------------------


def maybe_offer_first_run(window: Any, handle: AppHandle) -> None:
    """Open the setup wizard when the book is new; otherwise do nothing."""

    def decide(new: bool) -> None:
        if new:
            offer_first_run(window, handle)

    handle.call(is_new_book, on_done=decide)


def offer_first_run(window: Any, handle: AppHandle) -> Any:
    """The wizard in first-run mode; afterwards show what it brought in, if anything."""
    from app.ui.dialogs.setup_wizard import open_setup_wizard

    def finished(start: str) -> None:
        show: Callable[[str], Any] | None = getattr(window, "show_page", None)
        if show is not None and start in {"import", "demo"}:
            show("clients" if start == "import" else "dashboard")

    return open_setup_wizard(window, handle, first_run=True, on_finished=finished)
