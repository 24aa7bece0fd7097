"""Reassigning a leaver's open work (reviews, actions, plans led, involvements) in one step, by
an administrator or the leaver's safeguarding lead or DSL."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("work", __name__, url_prefix="/work")
