"""Sign-in, sessions, passwords and the account page."""
