"""Password rules for officials' accounts (ASVS 6.2): length, no composition rules, no guessable passwords.

Guessability is zxcvbn's estimate, which knows the 30,000 most common passwords, names, keyboard patterns
and dates, plus the words of this product and the user's own name given as context.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn 0-4; 3 = "safely unguessable: moderate protection from offline slow-hash attacks"
CONTEXT_WORDS = ["dtks", "dtsen", "kemensos", "dinsos", "sosial", "siks", "bansos", "konsol", "admin", "indonesia"]


def password_problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    """Why a password is refused (empty list: acceptable); messages in Bahasa Indonesia."""
    if len(password) < MIN_LENGTH:
        return [f"Kata sandi minimal {MIN_LENGTH} karakter."]
    if len(password) > MAX_LENGTH:
        return [f"Kata sandi maksimal {MAX_LENGTH} karakter."]
    context = [*CONTEXT_WORDS, username, *full_name.split()]
    if zxcvbn(password, user_inputs=[word for word in context if word])["score"] < MIN_SCORE:
        return [
            "Kata sandi terlalu mudah ditebak (kata sandi umum, nama, pola keyboard, atau kata seperti DTKS). "
            "Pakai frasa beberapa kata yang tidak umum."
        ]
    return []
