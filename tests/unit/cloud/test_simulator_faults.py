"""The cloud simulator's fault SPEC."""

from __future__ import annotations

import pytest

from khaos_sync.simulator.cloud.faults import CloudFaults
from khaos_sync.simulator.cloud.session import config_url
from khaos_sync.simulator.faults import FaultSpecError


def test_triggers_fire_as_the_soap_simulator_s_do() -> None:
    faults = CloudFaults("lost-200@every=2;slow-pull=0.5@times=1;seed=4")
    assert [faults.fires("lost-200") for _ in range(4)] == [False, True, False, True]
    assert faults.seconds("slow-pull") == 0.5
    assert faults.seconds("slow-pull") == 0.0
    assert not faults.fires("wrong-password")


def test_the_same_seed_fires_the_same_faults() -> None:
    first = CloudFaults("specific-ids@rate=0.5;seed=9")
    second = CloudFaults("specific-ids@rate=0.5;seed=9")
    assert [first.fires("specific-ids") for _ in range(20)] == [
        second.fires("specific-ids") for _ in range(20)
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("lost-201", "unknown fault 'lost-201'"),
        ("slow-pull", "slow-pull needs seconds"),
        ("slow-pull=soon", "'soon' is not a number"),
        ("lost-200=3", "lost-200 takes no value"),
        ("lost-200@rate=2", "rate must be between 0 and 1"),
        ("lost-200@often=2", "unknown trigger 'often'"),
    ],
)
def test_bad_specs_are_named(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        CloudFaults(spec)


def test_shop_address_or_config_url() -> None:
    assert config_url("https://shop.example/") == (
        "https://shop.example/khaos-cloud/channel-config.json"
    )
    assert config_url("https://shop.example/khaos-cloud/channel-config.xml").endswith(".xml")
