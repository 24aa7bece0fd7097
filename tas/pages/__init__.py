"""Home, information pages and the health check."""
