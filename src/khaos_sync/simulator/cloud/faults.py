"""Faults of the cloud simulator: what a real Khaos Control Cloud does on a bad day.

SPEC is a ``;``-separated list of ``KIND[=VALUE][@TRIGGER,...]`` clauses and
``seed=S``, with the SOAP simulator's triggers (rate=P, every=N, after=N,
times=N). KIND is one of:

    lost-200            a push answered 200 is sent again (the answer was lost)
    specific-ids        after a pull, its orders are asked for again by SpecificIDs
    slow-pull=SECONDS   wait before each order pull
    wrong-password      a call is made with a wrong password first

A push answered anything but 200 is always sent again (Khaos's own rule).
"""

from __future__ import annotations

import random
from typing import Final

from khaos_sync.simulator.faults import FaultRule, FaultSpecError

KINDS: Final = ("lost-200", "specific-ids", "slow-pull", "wrong-password")


class CloudFaults:
    def __init__(self, spec: str = "") -> None:
        self.rules = parse_cloud_spec(spec)

    def fires(self, kind: str) -> bool:
        return any(rule.should_fire() for rule in self.rules if rule.kind == kind)

    def seconds(self, kind: str) -> float:
        total = 0.0
        for rule in self.rules:
            if rule.kind == kind and rule.should_fire():
                total += float(rule.value or 0)
        return total


def parse_cloud_spec(spec: str) -> list[FaultRule]:
    seed = "0"
    rules: list[FaultRule] = []
    for clause in (c.strip() for c in spec.split(";")):
        if not clause:
            continue
        if clause.startswith("seed="):
            seed = clause[5:]
            continue
        rules.append(_rule(clause))
    for position, rule in enumerate(rules):
        rule.rng = random.Random(f"{seed}:{position}")
    return rules


def _rule(clause: str) -> FaultRule:
    head, _, triggers = clause.partition("@")
    kind, _, value = head.partition("=")
    kind, value = kind.strip(), value.strip()
    if kind not in KINDS:
        raise FaultSpecError(f"unknown fault {kind!r} in {clause!r}; kinds: {', '.join(KINDS)}")
    if kind == "slow-pull":
        if not value:
            raise FaultSpecError(f"slow-pull needs seconds, e.g. slow-pull=2 (in {clause!r})")
        _float(value, clause)
    elif value:
        raise FaultSpecError(f"{kind} takes no value (in {clause!r})")
    rule = FaultRule(kind=kind, value=value)
    for trigger in filter(None, (t.strip() for t in triggers.split(","))):
        name, _, number = trigger.partition("=")
        if name == "rate":
            rule.rate = _float(number, clause)
            if not 0 <= rule.rate <= 1:
                raise FaultSpecError(f"rate must be between 0 and 1 (in {clause!r})")
        elif name in {"every", "after", "times"}:
            setattr(rule, name, _int(number, clause))
        else:
            raise FaultSpecError(
                f"unknown trigger {name!r} in {clause!r}; use rate, every, after, times"
            )
    return rule


def _float(text: str, clause: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} is not a number (in {clause!r})") from None


def _int(text: str, clause: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FaultSpecError(f"{text!r} is not a whole number (in {clause!r})") from None
