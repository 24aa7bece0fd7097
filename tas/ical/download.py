"""Pages (to be filled in)."""

from __future__ import annotations

from flask import Blueprint


def register(bp: Blueprint) -> None:
    """Add this module's pages to the calendar blueprint."""
