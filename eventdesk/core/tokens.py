"""Random secrets: ticket tokens, short ticket codes, bearer tokens and their digests."""

import hashlib
import secrets

#: Letters and digits that cannot be mistaken for one another when read aloud or typed
#: (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
TICKET_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
TICKET_CODE_LENGTH = 8


def new_ticket_token() -> str:
    """128 random bits, URL-safe, 22 characters: short enough for a QR code that scans easily."""
    return secrets.token_urlsafe(16)


def new_ticket_code() -> str:
    """A short code to read aloud (about 37 bits; unique in the database)."""
    return "".join(secrets.choice(TICKET_CODE_ALPHABET) for _ in range(TICKET_CODE_LENGTH))


def normalise_ticket_code(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def new_bearer_token() -> str:
    """256 random bits for API tokens and scanner credentials."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored instead of a bearer token or enrolment code.

    The secrets are long and random, so a fast unsalted hash is enough and keeps the
    per-request lookup cheap.
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
