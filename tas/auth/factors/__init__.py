"""Second factors (docs/security.md A4, B10): passkeys, an authenticator app and recovery
codes; asking for one at every sign-in, the enrolment every role needs, remembered devices, and
a fresh confirmation before the powerful actions. Its pages are on the `auth` blueprint."""
