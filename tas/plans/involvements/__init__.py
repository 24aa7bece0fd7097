"""Involvements."""
