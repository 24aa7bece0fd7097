"""Referrals."""
