"""Levels of need, step up and step down, referrals to the Integrated Front Door, the reviews
that follow, and the reminder engine that reminds the right people exactly once."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
