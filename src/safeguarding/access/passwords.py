"""Password rules beyond Django's own, after the NCSC's password guidance.

The NCSC advises length over complexity, a deny list of the passwords attackers try first, no
composition rules and no forced expiry. Django's validators give the minimum length and a
deny list of 20,000 common passwords; these add a generous maximum (long passphrases are
welcome, but hashing a megabyte is not) and the words an attacker would try on this service.
"""

import re

from django.core.exceptions import ValidationError

# Words an attacker would guess first here: the service, its partners and the obvious.
SERVICE_WORDS = frozenset(
    {
        "safeguarding",
        "safeguardinghub",
        "hub",
        "password",
        "passw0rd",
        "welcome",
        "letmein",
        "wiltshire",
        "police",
        "socialcare",
        "children",
        "partnership",
        "changeme",
        "qwerty",
    }
)


class MaximumLengthValidator:
    def __init__(self, max_length: int = 256):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be as long as {self.max_length} characters."


class ServiceWordsValidator:
    """Refuses a password that is only a guessable word dressed up with digits and symbols,
    such as "Safeguarding2026!" or "Password123456": a passphrase of several words passes."""

    def validate(self, password: str, user=None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        # A word repeated ("policepolice") counts as the word; a password without letters is
        # left to the length and common-password rules (no composition rules).
        if letters and any(letters == word * (len(letters) // len(word)) for word in SERVICE_WORDS):
            raise ValidationError(
                "Your password is too easy to guess: use three or more random words.",
                code="password_service_word",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be a common word with numbers or symbols added."
