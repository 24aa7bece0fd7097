"""Review rules."""
