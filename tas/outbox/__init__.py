"""The outbox: every outgoing email is stored first, then delivered once."""
