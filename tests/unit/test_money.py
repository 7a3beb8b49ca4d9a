from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from khaos_sync.money import gross_from_net, split_gross

rates = st.sampled_from([Decimal("20"), Decimal("5"), Decimal("0"), Decimal("17.5")])
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=2)


def test_gross_from_net_rounds_half_up_like_khaos():
    assert gross_from_net(Decimal("4.1625"), Decimal("20")) == Decimal("5.00")
    assert gross_from_net(Decimal("0.125"), Decimal("0")) == Decimal("0.13")
    assert gross_from_net(Decimal("10"), Decimal("5")) == Decimal("10.50")


@given(amounts, rates)
def test_split_gross_adds_back_to_the_gross(gross, rate):
    net, tax = split_gross(gross, rate)
    assert net + tax == gross
    assert net == net.quantize(Decimal("0.01"))
