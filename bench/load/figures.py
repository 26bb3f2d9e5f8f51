"""The figures of one locust run, from its JSON lines (one per request: method, name, status, ms)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Status classes as the targets count them: 409 (changed meanwhile) is an answer; 429/503 are load shed;
# status 0 is no answer at all (connection refused or reset, time-out).
CLASSES = ("2xx/3xx", "409", "429", "503", "4xx other", "5xx other", "no answer")


@dataclass(frozen=True)
class Answer:
    method: str
    name: str
    status: int
    ms: float
    t: float  # wall-clock second the answer ended
    error: str = ""  # for no answer: the client's exception


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))

    def add(self, answer: Answer) -> None:
        self.times.append(answer.ms)
        self.classes[status_class(answer.status)] += 1

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the response times (ms)."""
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def status_class(status: int) -> str:
    if status == 0:
        return "no answer"
    if status < 400:
        return "2xx/3xx"
    if status in (409, 429, 503):
        return str(status)
    return "5xx other" if status >= 500 else "4xx other"


def read_answers(path: Path) -> list[Answer]:
    answers = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            status, ms, at, error = int(row["status"]), float(row["ms"]), float(row["t"]), row.get("error", "")
            answers.append(Answer(row["method"], row["name"], status, ms, at, error))
    return answers


def tally_by(answers: Iterable[Answer], key: str) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for answer in answers:
        tallies.setdefault(getattr(answer, key), Tally()).add(answer)
    return dict(sorted(tallies.items()))


def _row(label: str, tally: Tally, seconds: float, width: int) -> str:
    counts = " ".join(f"{tally.classes[name]:>9}" for name in CLASSES)
    p50, p95, p99 = (tally.percentile(share) for share in (0.50, 0.95, 0.99))
    rate = len(tally.times) / seconds
    return f"{label:<{width}} {len(tally.times):>7} {rate:>7.1f} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {counts}"


def report(answers: Sequence[Answer], seconds: float, *, by_name: bool = True) -> list[str]:
    """Per method, then per request name: count, req/s, p50/p95/p99 (ms) and the status classes."""
    width = max([len(answer.name) for answer in answers] + [12])
    header = f"{'':<{width}} {'count':>7} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} " + " ".join(
        f"{name:>9}" for name in CLASSES
    )
    lines = [header]
    lines += [_row(method, tally, seconds, width) for method, tally in tally_by(answers, "method").items()]
    every = Tally()
    for answer in answers:
        every.add(answer)
    lines.append(_row("all", every, seconds, width))
    if by_name:
        lines.append("")
        lines += [_row(name, tally, seconds, width) for name, tally in tally_by(answers, "name").items()]
        errors = Counter(answer.error.split(":")[0] for answer in answers if answer.error)
        lines += [f"no answer: {count} x {kind}" for kind, count in errors.most_common(3)]
    return lines
