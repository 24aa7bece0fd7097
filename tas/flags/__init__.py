"""Flags: what needs someone's decision about a child, each with its reason and the one action
that clears it (docs/design.md, the audit's findings)."""

from flask import Blueprint

bp = Blueprint("flags", __name__, url_prefix="/flags")
