"""Which websites may use a channel's chat, and the visitors' send limit."""

from __future__ import annotations

import pytest

from chat.actions.errors import ActionError
from chat.rate_limit import TokenBucket
from chat.widget_origins import normalise_origin, origin_allowed


@pytest.mark.parametrize(("value", "normalised"), [
    ("https://Shop.Example.com", "https://shop.example.com"),
    ("https://shop.example.com:443/", "https://shop.example.com"),
    ("http://127.0.0.1:8051", "http://127.0.0.1:8051"),
    ("http://[::1]:8051", "http://[::1]:8051"),
    ("null", None),
    ("file://", None),
    ("javascript:alert(1)", None),
    ("https://shop.example.com:99999", None),
])
def test_origins_are_compared_in_one_form(value: str, normalised: str | None) -> None:
    assert normalise_origin(value) == normalised


def test_an_empty_list_allows_every_site() -> None:
    assert origin_allowed("https://anywhere.example", [])
    assert origin_allowed("null", [])


def test_only_listed_sites_and_their_wildcard_subdomains() -> None:
    allowed = ["https://shop.example.com/", "https://*.example.se"]
    assert origin_allowed("https://shop.example.com", allowed)
    assert origin_allowed("https://www.example.se", allowed)
    assert origin_allowed("https://a.b.example.se", allowed)
    assert not origin_allowed("https://example.se", allowed)  # the wildcard means subdomains only
    assert not origin_allowed("http://shop.example.com", allowed)  # another scheme is another site
    assert not origin_allowed("https://shop.example.com.evil.test", allowed)
    assert not origin_allowed("https://evilexample.se", allowed)
    assert not origin_allowed("null", allowed)


def test_the_bucket_allows_a_burst_then_the_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.try_take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5  # one more token at two per second
    assert [bucket.try_take(), bucket.try_take()] == [True, False]
    now[0] += 10  # never more than the burst
    assert sum(bucket.try_take() for _ in range(5)) == 3
    with pytest.raises(ActionError) as refused:
        bucket.take("Slow down, please.")
    assert (refused.value.code, refused.value.message) == ("rate_limited", "Slow down, please.")


def test_a_rate_of_zero_means_no_limit() -> None:
    bucket = TokenBucket(rate=0, burst=1)
    assert all(bucket.try_take() for _ in range(100))
