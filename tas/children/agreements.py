"""The family's agreement to early help and TAS, its withdrawal, and sharing decisions."""

from __future__ import annotations

from flask import Blueprint


def register(bp: Blueprint) -> None:
    """Add the agreement and sharing-decision pages to the children blueprint."""
