"""Children, their families, the family's agreement, and decisions to share information."""
