"""Counterfoil: billing operations for a small business, offline and exact."""

__version__ = "0.1.0"
