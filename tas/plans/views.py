"""Shared plan pages: the plan, agency involvements, outcomes and actions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/children/<int:child_id>")
