"""Invitations by email (iMIP, RFC 6047), to be filled in."""
