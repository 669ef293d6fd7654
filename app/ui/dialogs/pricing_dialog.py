"""Making an agreement line metered: which usage it bills and how that usage is priced.

The line's quantity then comes from the usage records of one item for each
period, priced per unit, by tier, by volume or in packages, after an
included allowance and with an optional minimum charge.  A worked example
under the form rates any quantity the user types with the same arithmetic
the bill run uses, so the set-up can be checked before it bills anyone.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.money import Money
from app.core.usage import Pricing, PricingModel, UsageError, rate
from app.ui.widgets.decimal_edit import DecimalEdit
from app.ui.widgets.field_errors import inline
from app.ui.widgets.figures import Figures
from app.ui.widgets.usage_tiers import TierEditor

MODEL_LABELS = {
    PricingModel.PER_UNIT: "Per unit — every unit at one price",
    PricingModel.TIERED: "Tiered — each unit at the price of its tier",
    PricingModel.VOLUME: "Volume — all units at the price of the tier reached",
    PricingModel.PACKAGE: "Package — blocks of units, a part block counts whole",
}
# What the dialog answers: (usage item, pricing), or None to make the line fixed again.
Metering = tuple[str, Pricing] | None


class PricingDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        figures: Figures,
        *,
        item: str = "",
        pricing: Pricing | None = None,
        currency: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Metered line")
        self.setMinimumWidth(560)
        self.figures = figures
        self.currency = currency
        self._on_ok: Callable[[Metering], Any] | None = None
        self.answer: Metering = None
        mark = figures.decimal_mark
        p = pricing or Pricing()

        intro = QLabel(
            "The line's quantity comes from the usage records of one item for each period. "
            "Metered agreements bill in arrears, once the period's usage is known."
        )
        intro.setWordWrap(True)
        self.item = QLineEdit(item)
        self.item.setPlaceholderText("The item name in your usage files, e.g. api")
        self.unit = QLineEdit(p.unit)
        self.unit.setPlaceholderText("e.g. calls, GB, hours")
        self.model = QComboBox()
        for model, label in MODEL_LABELS.items():
            self.model.addItem(label, model.value)
        self.model.setCurrentIndex(self.model.findData(p.model.value))
        self.unit_price = DecimalEdit(placeholder="0.00", decimal_mark=mark)
        self.unit_price.set_value(p.unit_price if pricing is not None else None)
        self.package_size = DecimalEdit(decimal_mark=mark)
        self.package_size.set_value(p.package_size)
        self.tiers = TierEditor(mark)
        if p.tiers:
            self.tiers.set_tiers(p.tiers)
        self.allowance = DecimalEdit(placeholder="0", decimal_mark=mark)
        self.allowance.set_value(p.allowance or None)
        self.minimum = DecimalEdit(placeholder="none", decimal_mark=mark)
        self.minimum.set_value(p.minimum or None)
        self.interim = QCheckBox("Invoice the usage early when a period passes")
        self.threshold = DecimalEdit(placeholder="units", decimal_mark=mark)
        self.interim.setChecked(p.interim_threshold is not None)
        self.threshold.set_value(p.interim_threshold)
        self.example = DecimalEdit(placeholder="e.g. 1250", decimal_mark=mark)
        self.worked = QLabel()
        self.worked.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow("Usage item *", self.item)
        form.addRow("Unit", self.unit)
        form.addRow("Pricing", self.model)
        self.price_label = QLabel("Price per unit")
        form.addRow(self.price_label, self.unit_price)
        self.package_label = QLabel("Units per block")
        form.addRow(self.package_label, self.package_size)
        self.tiers_label = QLabel("Tiers")
        form.addRow(self.tiers_label, self.tiers)
        form.addRow("Included each period", self.allowance)
        form.addRow("Minimum charge", self.minimum)
        form.addRow("Interim invoice", inline(self.interim, self.threshold, stretch=True))
        form.addRow("Try a quantity", inline(self.example, stretch=True))
        form.addRow("", self.worked)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Use this pricing")
        self.ok_button.setObjectName("primary")
        self.fixed_button = QPushButton("Not metered")
        self.fixed_button.setToolTip("Bill a fixed quantity and price again")
        self.fixed_button.setVisible(pricing is not None)
        buttons.addButton(self.fixed_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        self.fixed_button.clicked.connect(self._fixed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        for edit in (
            self.unit_price,
            self.package_size,
            self.allowance,
            self.minimum,
            self.threshold,
            self.example,
        ):
            edit.setFixedWidth(120)
            edit.textChanged.connect(lambda _t: self._update())
        self.unit.textChanged.connect(lambda _t: self._update())
        self.model.currentIndexChanged.connect(lambda _i: self._update())
        self.interim.toggled.connect(lambda _c: self._update())
        self.tiers.changed.connect(self._update)
        self._update()
        self.item.setFocus()

    def chosen_model(self) -> PricingModel:
        return PricingModel(self.model.currentData())

    def _update(self) -> None:
        model = self.chosen_model()
        tiered = model in (PricingModel.TIERED, PricingModel.VOLUME)
        package = model is PricingModel.PACKAGE
        if tiered and not self.tiers.rows:
            self.tiers.add_tier(Decimal(1000), None)
            self.tiers.add_tier(None, None)
        for w in (self.tiers_label, self.tiers):
            w.setVisible(tiered)
        for w in (self.package_label, self.package_size):
            w.setVisible(package)
        for w in (self.price_label, self.unit_price):
            w.setVisible(not tiered)
        self.price_label.setText("Price per block" if package else "Price per unit")
        self.threshold.setEnabled(self.interim.isChecked())
        self._show_example()

    def pricing(self) -> tuple[Pricing | None, str]:
        """The pricing as typed, or the first thing that is wrong with it."""
        model = self.chosen_model()
        read: dict[str, Decimal | None] = {}
        for name, edit in (
            ("unit_price", self.unit_price),
            ("package_size", self.package_size),
            ("allowance", self.allowance),
            ("minimum", self.minimum),
            ("interim_threshold", self.threshold),
        ):
            value, problem = edit.parsed()
            if problem:
                return None, problem
            read[name] = value
        tiers, problem = (
            self.tiers.tiers() if model in (PricingModel.TIERED, PricingModel.VOLUME) else ((), "")
        )
        if problem:
            return None, problem
        if model in (PricingModel.PER_UNIT, PricingModel.PACKAGE) and read["unit_price"] is None:
            return (
                None,
                "Enter the price per block."
                if model is PricingModel.PACKAGE
                else "Enter the price per unit.",
            )
        threshold = read["interim_threshold"] if self.interim.isChecked() else None
        if self.interim.isChecked() and threshold is None:
            return None, "Enter the usage above which an interim invoice is issued."
        p = Pricing(
            model=model,
            unit_price=read["unit_price"] or Decimal(0),
            tiers=tiers,
            package_size=read["package_size"] or Decimal(1),
            allowance=read["allowance"] or Decimal(0),
            minimum=read["minimum"] or Decimal(0),
            unit=self.unit.text().strip() or "unit",
            interim_threshold=threshold,
        )
        try:
            p.validate()
        except UsageError as exc:
            return None, str(exc).capitalize() + "."
        return p, ""

    def _show_example(self) -> None:
        used, problem = self.example.parsed()
        if used is None or problem:
            self.worked.setText("")
            return
        pricing, problem = self.pricing()
        if pricing is None:
            self.worked.setText(f"<span style='color:#6b7480'>{html.escape(problem)}</span>")
            return
        rated = rate(used, pricing)
        amount = (
            self.figures.money_of(Money.of(rated.amount, self.currency))
            if self.currency
            else f"{rated.amount:f}"
        )
        self.worked.setText(f"{html.escape(rated.explanation(pricing.unit))} → <b>{amount}</b>")

    def ask(self, on_ok: Callable[[Metering], Any]) -> PricingDialog:
        self._on_ok = on_ok
        self.open()
        return self

    def _finish(self, answer: Metering) -> None:
        self.answer = answer
        self.accept()
        if self._on_ok is not None:
            self._on_ok(answer)

    def _submit(self) -> None:
        item = self.item.text().strip()
        pricing, problem = self.pricing()
        if not item:
            problem = "Name the usage item this line is billed from."
        if pricing is None or problem:
            self.error.setText(problem)
            self.error.show()
            return
        self._finish((item, pricing))

    def _fixed(self) -> None:
        self._finish(None)
