"""Login throttling over the `login_attempt` table (ASVS 4.0.3 2.2.1 / 5.0 6.1.1, 6.3.1).

Two rules, both counting failed attempts only:

- per username *and* IP: 5 failures within 15 minutes (since the last success from that IP) make that pair
  wait until the oldest of those 5 is 15 minutes old. Another IP is not affected, so an attacker hammering
  a username cannot lock its real owner out (5.0 6.1.1, "prevent malicious lockout").
- per username across all IPs: 100 failures within an hour (ASVS 4.0.3 2.2.1's hard ceiling) make every
  IP wait until the oldest of those 100 is an hour old.

A refused attempt is not recorded and its password is never checked, so waiting out the window always
works and an attacker gets no more than 5 password checks per 15 minutes per IP, 100 per hour in all.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from console.sessions import Clock, as_utc, utc_now
from models.session import LoginAttempt

FAILURES_PER_ACCOUNT_AND_IP = 5
ACCOUNT_AND_IP_WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 100
ACCOUNT_WINDOW = timedelta(hours=1)
USERNAME_LENGTH = 60
IP_LENGTH = 45


def wait_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"Terlalu banyak percobaan masuk yang gagal. Silakan coba lagi dalam {minutes} menit."


class LoginThrottle:
    """Decides whether a (username, IP) may try a password now, and records each attempt."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock

    def wait(self, session: Session, username: str, ip: str) -> timedelta | None:
        """How long this username must wait from this IP before its password is checked; None: go ahead."""
        now = self.clock()
        username, ip = username[:USERNAME_LENGTH], ip[:IP_LENGTH]
        last_success = session.scalar(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(True)
            )
        )
        since = now - ACCOUNT_AND_IP_WINDOW
        if last_success is not None:
            since = max(since, as_utc(last_success))
        pair = (LoginAttempt.username == username) & (LoginAttempt.ip == ip)
        waits = [
            self._wait_for(session, pair, since, FAILURES_PER_ACCOUNT_AND_IP, ACCOUNT_AND_IP_WINDOW, now),
            self._wait_for(
                session,
                LoginAttempt.username == username,
                now - ACCOUNT_WINDOW,
                FAILURES_PER_ACCOUNT,
                ACCOUNT_WINDOW,
                now,
            ),
        ]
        return max((wait for wait in waits if wait is not None), default=None)

    @staticmethod
    def _wait_for(
        session: Session, who: ColumnElement[bool], since: datetime, limit: int, window: timedelta, now: datetime
    ) -> timedelta | None:
        failures = session.scalars(
            select(LoginAttempt.at)
            .where(who, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        ).all()
        if len(failures) < limit:
            return None
        wait = as_utc(failures[-1]) + window - now
        return wait if wait > timedelta(0) else None

    def record(self, session: Session, username: str, ip: str, succeeded: bool) -> None:
        session.add(
            LoginAttempt(username=username[:USERNAME_LENGTH], ip=ip[:IP_LENGTH], at=self.clock(), succeeded=succeeded)
        )
