"""Social workers."""
