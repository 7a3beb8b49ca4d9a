"""Fault injection: make the simulated service misbehave on demand, reproducibly.

A fault SPEC is a ``;``-separated list of clauses::

    SPEC    := CLAUSE (";" CLAUSE)*
    CLAUSE  := "seed=" INT
             | [OPERATION ":"] KIND ["=" VALUE] ["@" TRIGGER ("," TRIGGER)*]
    TRIGGER := "rate=" FLOAT      fire with this probability (seeded RNG)
             | "every=" INT       fire on every Nth matching call (N, 2N, ...)
             | "after=" INT       fire only once more than N matching calls were seen
             | "times=" INT       fire at most this many times in total

A clause without OPERATION applies to every operation; without a trigger it
fires on every matching call. Several triggers must all hold. KIND is one of:

    latency=SECONDS     sleep before answering (combines with any other fault)
    soap-fault          answer with a SOAP Fault (HTTP 500), nothing processed
    http500             answer HTTP 500 with an HTML error page, nothing processed
    drop-before         close the connection without an answer, nothing processed
    drop-after-commit   process the call (e.g. ImportOrders commits), then close
                        the connection without an answer
    malformed-xml       process, then answer with an envelope that is not XML
    truncated           process, then send half the declared Content-Length and close
    oversized=MB        process, then answer with a valid envelope of MB megabytes
                        (default 520, above the client's 512 MB envelope limit)
    xml-bomb[=document] process, then answer with entity expansion ("billion
                        laughs") in the envelope, or inside the returned document

Example::

    latency=0.5;ImportOrders:drop-after-commit@every=3;ExportStock:soap-fault@rate=0.1;http500@rate=0.05;seed=7

Every clause keeps its own call counter and its own random generator seeded
from ``seed`` and the clause's position, so the same SPEC and the same
sequence of calls fire the same faults.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

KINDS = (
    "latency",
    "soap-fault",
    "http500",
    "drop-before",
    "drop-after-commit",
    "malformed-xml",
    "truncated",
    "oversized",
    "xml-bomb",
)
# Faults that replace processing; the others happen after the call was processed.
BEFORE_PROCESSING = frozenset({"soap-fault", "http500", "drop-before"})
DEFAULT_OVERSIZED_MB = 520.0


class FaultSpecError(ValueError):
    """The SPEC string does not follow the grammar."""


@dataclass
class FaultRule:
    kind: str
    operation: str | None = None
    value: str = ""
    rate: float | None = None
    every: int | None = None
    after: int | None = None
    times: int | None = None
    calls: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def matches(self, operation: str) -> bool:
        return self.operation is None or self.operation == operation

    def should_fire(self) -> bool:
        self.calls += 1
        # Draw every time so the sequence depends only on the number of calls.
        draw = self.rng.random()
        if self.times is not None and self.fired >= self.times:
            return False
        if self.every is not None and self.calls % self.every != 0:
            return False
        if self.after is not None and self.calls <= self.after:
            return False
        if self.rate is not None and draw >= self.rate:
            return False
        self.fired += 1
        return True

    def describe(self) -> str:
        text = f"{self.operation}:" if self.operation else ""
        text += self.kind + (f"={self.value}" if self.value else "")
        triggers = [
            f"{name}={getattr(self, name)}"
            for name in ("rate", "every", "after", "times")
            if getattr(self, name) is not None
        ]
        return text + ("@" + ",".join(triggers) if triggers else "")


@dataclass
class Decision:
    """What to do to one call."""

    latency: float = 0.0
    kind: str | None = None
    value: str = ""

    @property
    def before_processing(self) -> bool:
        return self.kind in BEFORE_PROCESSING


class FaultPlan:
    """The active rules; thread-safe, replaceable at run time."""

    def __init__(self, spec: str | None = None) -> None:
        self._lock = threading.Lock()
        self.spec = ""
        self.seed = 0
        self.rules: list[FaultRule] = []
        self.set(spec or "")

    def set(self, spec: str) -> None:
        seed, rules = parse_spec(spec)
        with self._lock:
            self.spec, self.seed, self.rules = spec, seed, rules

    def decide(self, operation: str) -> Decision:
        decision = Decision()
        with self._lock:
            for rule in self.rules:
                if not rule.matches(operation) or not rule.should_fire():
                    continue
                if rule.kind == "latency":
                    decision.latency += float(rule.value or "0")
                elif decision.kind is None:
                    decision.kind, decision.value = rule.kind, rule.value
        return decision

    def describe(self) -> dict[str, object]:
        with self._lock:
            return {
                "spec": self.spec,
                "seed": self.seed,
                "rules": [
                    {"rule": r.describe(), "calls": r.calls, "fired": r.fired} for r in self.rules
                ],
            }


def parse_spec(spec: str) -> tuple[int, list[FaultRule]]:
    clauses = [clause.strip() for clause in spec.split(";") if clause.strip()]
    seed = 0
    rules: list[FaultRule] = []
    for clause in clauses:
        if clause.startswith("seed="):
            seed = _int(clause[5:], clause)
        else:
            rules.append(_rule(clause))
    for position, rule in enumerate(rules):
        rule.rng = random.Random(f"{seed}:{position}")
    return seed, rules


def _rule(clause: str) -> FaultRule:
    head, _, triggers = clause.partition("@")
    operation, _, kind_part = head.rpartition(":")
    kind, _, value = kind_part.partition("=")
    kind = kind.strip()
    if kind not in KINDS:
        raise FaultSpecError(
            f"unknown fault kind {kind!r} in {clause!r}; kinds: {', '.join(KINDS)}"
        )
    rule = FaultRule(kind=kind, operation=operation.strip() or None, value=value.strip())
    _check_value(rule, clause)
    for trigger in filter(None, (t.strip() for t in triggers.split(","))):
        _apply_trigger(rule, trigger, clause)
    return rule


def _check_value(rule: FaultRule, clause: str) -> None:
    if rule.kind in {"latency", "oversized"} and rule.value:
        _float(rule.value, clause)
    elif rule.kind == "latency":
        raise FaultSpecError(f"latency needs seconds, e.g. latency=0.5 (in {clause!r})")
    elif rule.kind == "xml-bomb" and rule.value not in {"", "envelope", "document"}:
        raise FaultSpecError(f"xml-bomb takes 'envelope' or 'document' (in {clause!r})")
    elif rule.kind not in {"latency", "oversized", "xml-bomb"} and rule.value:
        raise FaultSpecError(f"{rule.kind} takes no value (in {clause!r})")


def _apply_trigger(rule: FaultRule, trigger: str, clause: str) -> None:
    name, _, value = trigger.partition("=")
    if name == "rate":
        rule.rate = _float(value, clause)
        if not 0 <= rule.rate <= 1:
            raise FaultSpecError(f"rate must be between 0 and 1 (in {clause!r})")
    elif name in {"every", "after", "times"}:
        number = _int(value, clause)
        if number < (1 if name == "every" else 0):
            raise FaultSpecError(f"{name} must be positive (in {clause!r})")
        setattr(rule, name, number)
    else:
        raise FaultSpecError(
            f"unknown trigger {name!r} in {clause!r}; use rate, every, after, times"
        )


def _int(text: str, clause: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} is not a whole number (in {clause!r})") from None


def _float(text: str, clause: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} is not a number (in {clause!r})") from None
