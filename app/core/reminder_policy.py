"""A reminder policy as the user writes it: the stages, the sending window, the limits.

Read from the business settings with a client's own override on top; a policy
that cannot work (stages out of order, a window that ends before it starts) is
refused with the reason, so it never fails silently when a reminder is due.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.core.sending_window import SendingWindow, WindowError


class PolicyError(ValueError):
    """A dunning policy (or a client's override) that cannot be read."""


@dataclass(frozen=True)
class Stage:
    """One reminder in the sequence; ``escalate`` also puts the invoice in front of a human."""

    key: str
    offset_days: int
    escalate: bool = False

    @property
    def title(self) -> str:
        return STAGE_TITLES.get(self.key, self.key.replace("_", " ").capitalize())

    @property
    def label(self) -> str:
        """``+7`` / ``-3``: how people talk about a stage."""
        return f"{self.offset_days:+d}"


STAGE_TITLES = {
    "heads_up": "Payment due soon",
    "first": "Payment reminder",
    "second": "Second reminder",
    "third": "Payment overdue",
    "final": "Final notice",
}
DEFAULT_STAGES = "heads_up -3, first +1, second +7, third +14, final +30!"
_STAGE = re.compile(r"^([a-z][a-z0-9_]{0,19})\s+([+-]?\d{1,3})(!?)$")


def parse_stages(text: str) -> tuple[Stage, ...]:
    """``"heads_up -3, first +1, final +30!"`` → stages; ``!`` marks an escalation."""
    stages: list[Stage] = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        found = _STAGE.match(" ".join(part.split()))
        if found is None:
            raise PolicyError(
                f"cannot read the stage {part!r}: write a name and the days from the due date, "
                "e.g. 'first +1' or 'final +30!'"
            )
        key, days, bang = found.groups()
        if any(s.key == key for s in stages):
            raise PolicyError(f"the stage name {key!r} is used twice")
        stages.append(Stage(key, int(days), bang == "!"))
    if not stages:
        raise PolicyError("a reminder sequence needs at least one stage")
    offsets = [s.offset_days for s in stages]
    if offsets != sorted(set(offsets)):
        raise PolicyError("stages must be listed in order of their days, each on its own day")
    return tuple(stages)


def stages_text(stages: tuple[Stage, ...]) -> str:
    return ", ".join(f"{s.key} {s.offset_days:+d}{'!' if s.escalate else ''}" for s in stages)


@dataclass(frozen=True)
class DunningPolicy:
    stages: tuple[Stage, ...] = field(default_factory=lambda: parse_stages(DEFAULT_STAGES))
    window: SendingWindow = field(default_factory=SendingWindow)
    minimum_balance: Decimal = Decimal("5")
    spacing_days: int = 3
    promise_grace_days: int = 2
    payment_hold_days: int = 10
    import_max_age: int = 5  # business days
    require_recent_import: bool = True
    habitual_after: int = 2
    enabled: bool = True

    def stage(self, key: str) -> Stage | None:
        return next((s for s in self.stages if s.key == key), None)


# Keys a client's override may set (JSON object in the client's dunning_policy).
OVERRIDE_KEYS = (
    "enabled",
    "stages",
    "window_start",
    "window_end",
    "window_days",
    "minimum_balance",
    "spacing_days",
    "promise_grace_days",
)


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def policy_from_settings(
    values: Mapping[str, object], override: Mapping[str, object] | None = None
) -> DunningPolicy:
    """The business's policy from its settings, with a client's override on top."""
    merged: dict[str, object] = {
        "enabled": values.get("dunning.enabled", True),
        "stages": values.get("dunning.stages", DEFAULT_STAGES),
        "window_start": values.get("mail.window_start", "09:00"),
        "window_end": values.get("mail.window_end", "17:00"),
        "window_days": values.get("mail.window_days", "mon-fri"),
        "minimum_balance": values.get("dunning.minimum_balance", Decimal("5")),
        "spacing_days": values.get("dunning.spacing_days", 3),
        "promise_grace_days": values.get("dunning.promise_grace_days", 2),
    }
    override = override or {}
    unknown = sorted(set(override) - set(OVERRIDE_KEYS))
    if unknown:
        raise PolicyError(f"unknown reminder setting(s) for this client: {', '.join(unknown)}")
    merged.update(override)
    try:
        window = SendingWindow.parse(
            str(merged["window_start"]), str(merged["window_end"]), str(merged["window_days"])
        )
        return DunningPolicy(
            stages=parse_stages(str(merged["stages"])),
            window=window,
            minimum_balance=Decimal(str(merged["minimum_balance"])),
            spacing_days=int(str(merged["spacing_days"])),
            promise_grace_days=int(str(merged["promise_grace_days"])),
            payment_hold_days=int(str(values.get("dunning.payment_hold_days", 10))),
            import_max_age=int(str(values.get("dunning.import_max_age_days", 5))),
            require_recent_import=_flag(values.get("dunning.require_recent_import", True)),
            habitual_after=int(str(values.get("dunning.habitual_after", 2))),
            enabled=_flag(merged["enabled"]),
        )
    except WindowError as exc:
        raise PolicyError(str(exc)) from None
    except (ArithmeticError, ValueError) as exc:
        if isinstance(exc, PolicyError):
            raise
        raise PolicyError("the minimum balance and the day counts must be numbers") from None


def parse_override(text: str) -> dict[str, object]:
    """A client's override as stored (a JSON object; empty text means none)."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise PolicyError("the client's reminder settings are not valid JSON") from None
    if not isinstance(data, dict):
        raise PolicyError("the client's reminder settings must be a JSON object")
    return data
