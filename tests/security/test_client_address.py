"""The client's address behind reverse proxies: only the proxies' own entries are believed."""

import pytest
from django.test import RequestFactory

from mlcareer.security import client_ip

PROXY = "10.0.0.1"


def _request(forwarded_for=None, remote_addr=PROXY):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_one_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 1


@pytest.fixture
def behind_two_proxies(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 2


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.BEHIND_PROXY = False

    assert client_ip(_request("198.51.100.7", remote_addr="203.0.113.5")) == "203.0.113.5"


def test_forged_entries_on_the_left_do_not_change_the_address(behind_one_proxy):
    addresses = {client_ip(_request(f"192.0.2.{n}, 198.51.100.7")) for n in range(1, 30)} | {
        client_ip(_request(f"192.0.2.{n}, 192.0.2.{n + 1}, 198.51.100.7")) for n in range(5)
    }

    assert addresses == {"198.51.100.7"}


def test_with_two_proxies_the_client_is_the_second_entry_from_the_right(behind_two_proxies):
    addresses = {client_ip(_request(f"192.0.2.{n}, 198.51.100.7, 10.1.2.3")) for n in range(1, 30)}

    assert addresses == {"198.51.100.7"}


def test_with_two_proxies_a_header_with_one_entry_falls_back_to_the_peer(behind_two_proxies):
    assert client_ip(_request("198.51.100.7")) == PROXY


@pytest.mark.parametrize(
    "value",
    [
        "not-an-ip",
        "198.51.100.7; DROP TABLE",
        "<script>alert(1)</script>",
        "999.1.1.1",
        "198.51.100.7:8080",
        "fe80::1%eth0",
        "",
    ],
)
def test_a_value_that_is_not_an_address_is_never_returned(behind_one_proxy, value):
    assert client_ip(_request(f"192.0.2.1, {value}")) == PROXY


def test_an_ipv6_address_is_given_in_one_spelling(behind_one_proxy):
    spellings = {"2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:0db8::0001"}

    assert {client_ip(_request(spelling)) for spelling in spellings} == {"2001:db8::1"}
