"""Schools."""
