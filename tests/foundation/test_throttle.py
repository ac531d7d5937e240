"""Login throttling keyed on (account, client address), the client address read from a trusted proxy.

Policy (see kechuang.accounts.throttle):
- LOGIN_MAX_FAILURES failures for one account from one client address lock that account from that
  address; the same account from another address and other accounts from that address still log in.
- LOGIN_ACCOUNT_MAX_FAILURES failures for one account from all addresses together (distributed
  guessing) lock that account from every address; other accounts are never affected.
- There is no lock on an address as such: behind a reverse proxy that would lock everyone out.
- The client address is the right-most address in the configured header (X-Forwarded-For) that is not
  a trusted proxy, and the header is believed only when the request comes from a trusted proxy.
"""

import pytest
from django.test import Client, RequestFactory

PROXY = "10.0.0.1"
LOCKED = "登录失败次数过多"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_ACCOUNT_MAX_FAILURES = 20
    return settings


def via_proxy(client_ip: str, path: str = "/login/", **form) -> object:
    """A log-in posted by `client_ip` through the reverse proxy (which appends it to X-Forwarded-For)."""
    return Client(REMOTE_ADDR=PROXY).post(path, form, HTTP_X_FORWARDED_FOR=client_ip)


def login(client_ip: str, username: str, password: str, path: str = "/login/"):
    return via_proxy(client_ip, path, username=username, password=password)


def is_locked_page(response) -> bool:
    return response.status_code == 200 and LOCKED in response.content.decode()


# ---------------------------------------------------------------- the client address


def _address(settings, remote: str, header: str | None = None, name: str = "HTTP_X_FORWARDED_FOR") -> str:
    from kechuang.accounts.throttle import client_address

    meta = {"REMOTE_ADDR": remote}
    if header is not None:
        meta[name] = header
    return client_address(RequestFactory().post("/login/", **meta))


def test_the_proxy_header_is_ignored_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert _address(settings, PROXY, "1.2.3.4") == PROXY


def test_the_proxy_header_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    assert _address(settings, PROXY, "1.2.3.4") == "1.2.3.4"
    # Anyone else sending the header is taken at their own address.
    assert _address(settings, "5.6.7.8", "1.2.3.4") == "5.6.7.8"
    # No header from the proxy: the proxy's own address.
    assert _address(settings, PROXY) == PROXY


def test_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.168.7.7"]
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    # A client cannot choose its address by sending a forged header: the proxy appends the real one.
    assert _address(settings, PROXY, "6.6.6.6, 1.2.3.4") == "1.2.3.4"
    # Through two trusted proxies.
    assert _address(settings, PROXY, "6.6.6.6, 1.2.3.4, 192.168.7.7") == "1.2.3.4"
    assert _address(settings, PROXY, "2001:db8::1") == "2001:db8::1"
    # Only trusted hops: the left-most one.
    assert _address(settings, PROXY, "10.0.0.9, 192.168.7.7") == "10.0.0.9"


def test_the_header_is_configurable(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert _address(settings, PROXY, "1.2.3.4", name="HTTP_X_REAL_IP") == "1.2.3.4"
    assert _address(settings, PROXY, "1.2.3.4") == PROXY  # X-Forwarded-For is not read now


# ---------------------------------------------------------------- what a lock locks


def test_failures_lock_the_account_from_that_address_only(personas, behind_proxy):
    for _ in range(5):
        assert not is_locked_page(login("1.2.3.4", "bureau", "wrong"))
    locked = login("1.2.3.4", "bureau", "pw-bureau")
    assert is_locked_page(locked)
    assert "登录失败次数过多，请 15 分钟后再试。" in locked.content.decode()
    # Another user behind the same proxy, even from the same address, is not locked out …
    assert login("1.2.3.4", "leader", "pw-leader").status_code == 302
    # … nor is the same user from another address.
    assert login("5.6.7.8", "bureau", "pw-bureau").status_code == 302


def test_one_attacker_behind_the_proxy_does_not_lock_everyone_out(personas, behind_proxy):
    for i in range(40):
        login("6.6.6.6", f"guess{i % 4}", "wrong")
    assert login("1.2.3.4", "leader", "pw-leader").status_code == 302
    assert login("1.2.3.5", "bureau", "pw-bureau").status_code == 302


def test_many_addresses_guessing_one_account_lock_that_account_everywhere(personas, behind_proxy):
    for i in range(20):
        login(f"7.7.{i}.1", "bureau", "wrong")
    assert is_locked_page(login("5.6.7.8", "bureau", "pw-bureau"))
    assert login("5.6.7.8", "leader", "pw-leader").status_code == 302


def test_a_successful_login_clears_that_address_failures(personas, behind_proxy):
    for _ in range(4):
        login("1.2.3.4", "bureau", "wrong")
    assert login("1.2.3.4", "bureau", "pw-bureau").status_code == 302
    for _ in range(4):
        login("1.2.3.4", "bureau", "wrong")
    assert login("1.2.3.4", "bureau", "pw-bureau").status_code == 302


def test_the_user_name_is_not_case_sensitive_for_the_lock(personas, behind_proxy):
    for name in ("Bureau", "BUREAU", "bureau", "bUreau", "bureaU"):
        login("1.2.3.4", name, "wrong")
    assert is_locked_page(login("1.2.3.4", "bureau", "pw-bureau"))


def test_without_a_trusted_proxy_each_connection_address_is_the_client(personas, settings):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        Client(REMOTE_ADDR="1.2.3.4").post("/login/", {"username": "bureau", "password": "wrong"})
    ok = Client(REMOTE_ADDR="5.6.7.8").post("/login/", {"username": "bureau", "password": "pw-bureau"})
    assert ok.status_code == 302
    # A forged header from an untrusted address changes nothing.
    forged = Client(REMOTE_ADDR="1.2.3.4").post(
        "/login/", {"username": "bureau", "password": "pw-bureau"}, HTTP_X_FORWARDED_FOR="9.9.9.9"
    )
    assert is_locked_page(forged)


# ---------------------------------------------------------------- every login path


def test_the_admin_login_uses_the_same_throttle(personas, behind_proxy):
    for _ in range(5):
        response = login("1.2.3.4", "admin", "wrong", path="/admin/login/")
        assert response.status_code == 200 and not is_locked_page(response)
    assert is_locked_page(login("1.2.3.4", "admin", "pw-admin", path="/admin/login/"))
    assert is_locked_page(login("1.2.3.4", "admin", "pw-admin"))  # and the site's login page agrees
    assert login("5.6.7.8", "admin", "pw-admin", path="/admin/login/").status_code == 302


def test_failures_on_the_site_login_lock_the_admin_login_too(personas, behind_proxy):
    for _ in range(5):
        login("1.2.3.4", "admin", "wrong")
    assert is_locked_page(login("1.2.3.4", "admin", "pw-admin", path="/admin/login/"))


def test_a_right_password_without_admin_rights_is_not_a_failure(personas, behind_proxy):
    for _ in range(6):
        response = login("1.2.3.4", "leader", "pw-leader", path="/admin/login/")
        assert response.status_code == 200 and not is_locked_page(response)
    assert login("1.2.3.4", "leader", "pw-leader").status_code == 302
