"""Agenda."""
