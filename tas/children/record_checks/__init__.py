"""Record checks."""
