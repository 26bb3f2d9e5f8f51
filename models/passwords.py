"""Password rules for officials' accounts (ASVS 6.2: length, no composition rules, no common passwords)."""

from __future__ import annotations

MIN_LENGTH = 10
MAX_LENGTH = 128
# Words an attacker tries first against this product; a fuller common-password list is a later addition.
_GUESSABLE = {
    "password",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "kata sandi",
    "katasandi",
    "katasandi123",
    "dtks12345678",
    "kemensos123",
    "dinsos12345",
    "admin12345",
    "administrator",
    "bismillah123",
    "indonesia123",
}


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Why a password is refused (empty list: acceptable); messages in Bahasa Indonesia."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Kata sandi maksimal {MAX_LENGTH} karakter.")
    lowered = password.casefold()
    if lowered in _GUESSABLE or (username and username.casefold() in lowered):
        problems.append("Kata sandi terlalu mudah ditebak; jangan memakai nama pengguna atau kata umum.")
    if len(set(password)) < 4:
        problems.append("Kata sandi terlalu sederhana (terlalu sedikit karakter berbeda).")
    return problems
