"""The web app in headless Chromium against the real `gp4u serve` (SQLite) and the dev
chain: every flow of issue 17, and every page at 1280 px and 390 px, light and dark, with
no console errors, no failed requests and no serious or critical axe findings.

The injected test wallet (wallet.py) plays MetaMask: it signs with a dev chain key and
sends to the dev chain. Screenshots go to Tests/python/web/screenshots/ (git-ignored).
"""
from __future__ import annotations

import re
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from webapp import CHAIN_ID, CONFIRMATIONS, skip_reason  # also puts Tests/python/chain on sys.path

if skip_reason():
    pytest.skip(skip_reason(), allow_module_level=True)

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402

from browser import Browser, describe  # noqa: E402
from e2e import MICRO, PASSWORD, wait_for  # noqa: E402
from wallet import TestWallet  # noqa: E402
from webapp import browser, dev, failing_provider, server  # noqa: E402,F401 - pytest fixtures


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def new_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def new_user(server, role: str = "renter", funds: str | None = None) -> tuple[str, str]:
    """Signs up through the API; returns (email, token). `funds` adds a simulated deposit."""
    email = new_email(role)
    server.post("/api/v1/auth/signup", {"email": email, "password": PASSWORD, "role": role})
    token = server.login(email)
    if funds:
        server.post("/api/v1/wallets/deposit", {"amount": funds}, token=token)
    return email, token


def api_error(server, method: str, path: str, body=None, token=None) -> str:
    """The API's own error message for a request that must fail."""
    status, text = server.request(method, path, body, token=token, raw=True)
    assert status >= 400, f"{method} {path} did not fail: {status} {text[:200]}"
    import json
    return json.loads(text)["error"]["message"]


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def usd(value) -> str:
    """The page's format: exact, at least 2 decimals."""
    d = Decimal(str(value)).normalize()
    s = format(d, "f")
    whole, _, frac = s.partition(".")
    return f"${whole}.{frac.ljust(2, '0')}"


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def hour_from_now(hours: int) -> datetime:
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=hours)


def card_ids(b) -> list[str]:
    return [c.get_attribute("data-offer-id") for c in b.qa("#offers article")]


def search_ids(server, **q) -> tuple[list[str], str | None]:
    r = server.get("/api/v1/gpus/search?" + urllib.parse.urlencode(q))
    return [o["id"] for o in r["items"]], r.get("next_cursor")


@pytest.fixture
def wallet(dev):
    """The test MetaMask with account 1 of the dev chain, holding 1000 test USDC."""
    w = TestWallet(dev, dev.keys[1], CHAIN_ID)
    balance = int(dev.rpc("eth_call", [{"to": dev.usdc, "data": "0x70a08231" + w.address[2:].lower().rjust(64, "0")},
                                        "latest"]), 16)
    if balance < 1000 * MICRO:
        dev.mint(dev.usdc, w.address, 1000 * MICRO - balance)
    return w


@pytest.fixture
def wallet_browser(server, wallet):
    b = Browser(server.base, wallet=wallet)
    yield b
    b.quit()


# ---------------------------------------------------------------------------
# sign up, log in, log out
# ---------------------------------------------------------------------------

def test_sign_up_log_in_and_out(server, browser):
    b = browser
    b.open("wallet", expect="login")
    assert "next=wallet" in b.driver.current_url, "a protected page sends an anonymous visitor to log in"
    b.click('a[href="#/signup"]')
    b.wait_ready("signup")
    email = new_email("ui")
    b.fill("#signup-form input[name=email]", email)
    b.fill("#signup-form input[name=password]", "short")
    b.click("#signup-form button[type=submit]")
    message = api_error(server, "POST", "/api/v1/auth/signup", {"email": new_email("x"), "password": "short"})
    assert b.wait_toast("error", message) == message, "the API's error message is shown verbatim"
    b.fill("#signup-form input[name=password]", PASSWORD)
    b.select("#signup-form select[name=role]", "renter")
    b.click("#signup-form button[type=submit]")
    b.wait_toast("ok", "Account created")
    b.wait_ready("market")
    b.wait(lambda: email in b.text("#who"), what="the signed-in user in the header")

    stored = b.js("return [sessionStorage.getItem('gp4u-token'), Object.keys(localStorage)]")
    assert stored[0] and stored[0].count(".") == 2, "the token is kept in sessionStorage"
    assert "gp4u-token" not in stored[1] and not any("token" in k for k in stored[1]), "never in localStorage"
    me = server.get("/api/v1/auth/me", token=stored[0])
    assert me["email"] == email

    b.open("wallet")  # a reload keeps the tab signed in
    b.click("#logout")
    b.wait_toast("ok", "Logged out")
    b.wait_ready("login")
    assert b.js("return sessionStorage.getItem('gp4u-token')") is None
    assert not b.q("#login-link").get_attribute("hidden")
    b.open("clusters", expect="login")

    b.fill("#login-form input[name=email]", email)
    b.fill("#login-form input[name=password]", "wrong password 123")
    b.click("#login-form button[type=submit]")
    message = api_error(server, "POST", "/api/v1/auth/login", {"email": new_email("nobody"), "password": "wrong password 123"})
    b.wait_toast("error", message)
    b.fill("#login-form input[name=password]", PASSWORD)
    b.click("#login-form button[type=submit]")
    b.wait_ready("clusters")  # back where the user was headed
    b.wait(lambda: email in b.text("#who"))


# ---------------------------------------------------------------------------
# marketplace
# ---------------------------------------------------------------------------

def test_search_filter_sort_page_and_compare(server, browser):
    b = browser
    b.open("market")
    b.find("#offers article")
    assert b.qa("#offers .badge.snapshot"), "snapshot offers say so"
    assert b.qa("#offers article time[datetime]"), "every offer shows its freshness"

    b.select("#search-form select[name=provider]", "render")
    b.click("#search-form button[type=submit]")
    b.wait(lambda: card_ids(b) and all(i.startswith("render-") for i in card_ids(b)), what="render offers only")
    assert b.qa("#offers .badge.live"), "live offers say so"

    b.select("#search-form select[name=provider]", "")
    b.select("#search-form select[name=model]", "rtx-4090")
    b.fill("#search-form input[name=max_price]", "0.45")
    b.select("#search-form select[name=sort]", "price")
    b.select("#search-form select[name=limit]", "12")
    b.click("#search-form button[type=submit]")
    want, cursor = search_ids(server, model="rtx-4090", max_price="0.45", sort="price", limit=12)
    assert len(want) == 12 and cursor, "the snapshot has more than a page of cheap RTX 4090s"
    b.wait(lambda: card_ids(b) == want, what="the API's first page in the API's order")
    prices = [money(c.find_element("css selector", ".price").text.split("/")[0]) for c in b.qa("#offers article")]
    assert prices == sorted(prices) and max(prices) <= Decimal("0.45")
    assert all("RTX 4090" in c.find_element("css selector", "h3").text for c in b.qa("#offers article"))
    assert "model=rtx-4090" in b.driver.current_url and "max_price=0.45" in b.driver.current_url

    b.click("#next-page")
    page2, _ = search_ids(server, model="rtx-4090", max_price="0.45", sort="price", limit=12, cursor=cursor)
    b.wait(lambda: card_ids(b) == page2, what="page 2 from the cursor")
    b.click("#prev-page")
    b.wait(lambda: card_ids(b) == want, what="back to page 1")

    for other in ("min_vram", "min_gpus", "location"):
        assert b.q(f"#search-form [name={other}]").get_attribute("id"), "every filter is a labelled input"
    labels = b.js("return [...document.querySelectorAll('#search-form input, #search-form select')]"
                  ".every(i => document.querySelector(`label[for='${i.id}']`))")
    assert labels, "every input has a label"

    b.fill("#search-form input[name=min_reliability]", "2")
    b.click("#search-form button[type=submit]")
    message = api_error(server, "GET", "/api/v1/gpus/search?model=rtx-4090&max_price=0.45&min_reliability=2&sort=price&limit=12")
    b.wait_toast("error", message)
    assert b.q("#search-form input[name=min_reliability]").get_attribute("aria-invalid") == "true"
    b.fill("#search-form input[name=min_reliability]", "")
    b.click("#search-form button[type=submit]")
    b.wait(lambda: card_ids(b) == want)

    for offer_id in want[:2]:
        b.click(f'input[data-offer="{offer_id}"]')
    b.click("#compare-button")
    table = b.find("#compare-table")
    cmp = server.post("/api/v1/gpus/compare", {"gpu_ids": want[:2]})
    heads = [th.text for th in b.qa("#compare-table thead th")]
    assert len(heads) == 3 and want[0] in heads[1] and want[1] in heads[2]
    cheapest_col = [i for i, t in enumerate(heads) if "cheapest" in t]
    assert cheapest_col and want[cheapest_col[0] - 1] == cmp["cheapest_id"]
    assert table.is_displayed()


# ---------------------------------------------------------------------------
# provider dashboard: a listed GPU appears in search
# ---------------------------------------------------------------------------

def test_provider_lists_a_gpu_that_appears_in_search(server, browser):
    b = browser
    _, token = new_user(server, "provider")
    b.use_token(token, "provider")
    b.fill("#listing-form input[name=model]", "RTX 4090")
    b.fill("#listing-form input[name=gpu_count]", "2")
    b.fill("#listing-form input[name=price_per_hour]", "0.61")
    b.fill("#listing-form input[name=location]", "Testville, DE")
    b.fill("#listing-form input[name=country]", "de")
    b.click("#listing-form button[type=submit]")
    b.wait_toast("ok", "Listed 2× RTX 4090")
    card = b.find("#listings article[data-listing]")
    listing_id = card.get_attribute("data-listing")
    assert listing_id.startswith("gp4u-") and "$0.61" in card.text

    b.open("market?provider=gp4u")
    b.wait(lambda: listing_id in card_ids(b), what="the new listing in search")
    offer = b.q(f'#offers article[data-offer-id="{listing_id}"]')
    assert "Testville (DE)" in offer.text and "$0.305" in offer.text  # per GPU-hour

    b.open("provider")
    b.click(f'article[data-listing="{listing_id}"] button[data-action=pause]')
    b.wait_toast("ok", "Paused")
    b.wait(lambda: b.q(f'article[data-listing="{listing_id}"]').get_attribute("data-available") == "false")
    assert listing_id not in search_ids(server, provider="gp4u", limit=500)[0]
    b.click(f'article[data-listing="{listing_id}"] button[data-action=resume]')
    b.wait_toast("ok", "Resumed")
    wait_for(lambda: listing_id in search_ids(server, provider="gp4u", limit=500)[0], 10, "resumed listing in search")

    b.click(f'article[data-listing="{listing_id}"] details summary')
    b.fill(f'article[data-listing="{listing_id}"] form input[name=price_per_hour]', "0.58")
    b.click(f'article[data-listing="{listing_id}"] form button[type=submit]')
    b.wait_toast("ok", "Listing updated")
    b.wait(lambda: "$0.58 per hour" in b.q(f'article[data-listing="{listing_id}"]').text)
    assert server.get(f"/api/v1/gpus/{listing_id}")["price_per_hour"] == "0.58"
    score = b.find("#g-score [data-field=g_score]").text
    assert 0 < float(score) <= 1
    assert b.find("#earnings [data-field=earnings]").text == "0.00 USDC"


# ---------------------------------------------------------------------------
# reservations: calendar, book, cancel with the refund shown first, extend
# ---------------------------------------------------------------------------

def listed_gpu(server, price: str = "0.75") -> str:
    """A GP4U listing by a new provider: bookable here with real money, unlike the
    upstream offers GP4U cannot rent yet (this server watches a chain)."""
    _, owner = new_user(server, "provider")
    listing = server.post("/api/v1/provider/gpus", {"model": "RTX 4090", "price_per_hour": price,
                                                    "location": "Testville, DE"}, token=owner)
    return listing["id"]


def test_offers_gp4u_cannot_rent_link_out_to_their_provider(server, browser):
    b = browser
    _, token = new_user(server, "renter", funds="20")
    render = server.get("/api/v1/gpus/search?provider=render&limit=1")["items"][0]
    assert render["bookable"] is False and render["book_url"] == "https://rendernetwork.com/"
    b.use_token(token, "market?provider=render")
    link = b.find(f'#offers article[data-offer-id="{render["id"]}"] a[data-action=book-elsewhere]')
    assert link.get_attribute("href") == render["book_url"] and link.get_attribute("rel") == "noopener noreferrer"
    b.open(f"reservations?gpu={render['id']}")
    notice = b.find("#not-bookable")
    assert "cannot rent" in notice.text
    start = hour_from_now(50)
    b.click(f'button.slot[data-time="{iso(start)}"]')
    assert b.q("#book-button").get_attribute("disabled") is not None, "nothing to book here"


def test_book_cancel_and_extend_on_the_calendar(server, browser):
    b = browser
    _, token = new_user(server, "renter", funds="200")
    gpu = listed_gpu(server)
    price = Decimal(server.get(f"/api/v1/gpus/{gpu}")["price_per_hour"])
    b.use_token(token, f"reservations?gpu={gpu}")
    b.find("#calendar-table")
    start = hour_from_now(50)
    last = start + timedelta(hours=2)
    b.click(f'button.slot[data-time="{iso(start)}"]')
    b.click(f'button.slot[data-time="{iso(last)}"]')
    b.wait(lambda: "3 hours" in b.text("#selection"))
    assert usd(price * 3) in b.text("#selection")
    assert b.q(f'button.slot[data-time="{iso(start + timedelta(hours=1))}"]').get_attribute("aria-pressed") == "true"
    b.click("#book-button")
    b.wait_toast("ok", "Booked 3 hours")
    b.wait(lambda: b.q(f'button.slot[data-time="{iso(start)}"]').get_attribute("data-state") == "booked",
           what="the calendar shows the booked hours")
    booking = server.get("/api/v1/reservations", token=token)["items"][0]
    assert booking["start_time"] == iso(start) and booking["end_time"] == iso(last + timedelta(hours=1))
    assert Decimal(booking["total_cost"]) == price * 3
    assert Decimal(server.get("/api/v1/wallets/balance", token=token)["held"]) == price * 3

    # 50 hours ahead: the policy gives everything back, and the dialog says so first.
    card = f'article[data-reservation="{booking["id"]}"]'
    b.click(f"{card} button[data-action=cancel]")
    preview = b.find("dialog #refund-preview").text
    assert preview == f"You will get back {usd(booking['total_cost'])} of {usd(booking['total_cost'])}."
    b.click("dialog button[data-action=confirm]")
    b.wait_toast("ok", f"Cancelled; {usd(booking['total_cost'])} went back")
    b.wait(lambda: b.q(card).get_attribute("data-status") == "cancelled")
    assert Decimal(server.get(f"/api/v1/reservations/{booking['id']}", token=token)["refunded"]) == price * 3

    # Two hours ahead: less than 24 hours, so half comes back (rounded down to the micro-USDC).
    soon = hour_from_now(2)
    b.open(f"reservations?gpu={gpu}&week={soon.strftime('%Y-%m-%d')}")
    b.click(f'button.slot[data-time="{iso(soon)}"]')
    b.click("#book-button")
    b.wait_toast("ok", "Booked 1 hour")
    near = next(r for r in server.get("/api/v1/reservations", token=token)["items"] if r["start_time"] == iso(soon))
    half = (Decimal(near["total_cost"]) * MICRO // 2) / MICRO
    b.click(f'article[data-reservation="{near["id"]}"] button[data-action=cancel]')
    assert b.find("dialog #refund-preview").text == f"You will get back {usd(half)} of {usd(near['total_cost'])}."
    b.click("dialog button[data-action=confirm]")
    b.wait_toast("ok", f"Cancelled; {usd(half)} went back")
    assert Decimal(server.get(f"/api/v1/reservations/{near['id']}", token=token)["refunded"]) == half

    # Extend a booking by two hours.
    third = hour_from_now(30)
    b.open(f"reservations?gpu={gpu}&week={third.strftime('%Y-%m-%d')}")
    b.click(f'button.slot[data-time="{iso(third)}"]')
    b.click("#book-button")
    b.wait_toast("ok", "Booked 1 hour")
    ext = next(r for r in server.get("/api/v1/reservations", token=token)["items"] if r["start_time"] == iso(third))
    form = f'article[data-reservation="{ext["id"]}"] form[data-action=extend-form]'
    b.fill(f"{form} input[name=extra_hours]", "2")
    b.click(f"{form} button[type=submit]")
    b.wait_toast("ok", "Extended")
    assert server.get(f"/api/v1/reservations/{ext['id']}", token=token)["end_time"] == iso(third + timedelta(hours=3))

    # A booked hour refuses a selection across it, with a message.
    b.open(f"reservations?gpu={gpu}&week={(third - timedelta(hours=1)).strftime('%Y-%m-%d')}")
    b.click(f'button.slot[data-time="{iso(third - timedelta(hours=1))}"]')
    b.click(f'button.slot[data-time="{iso(third + timedelta(hours=4))}"]')
    b.wait_toast("error", "includes booked or past hours")


# ---------------------------------------------------------------------------
# clusters
# ---------------------------------------------------------------------------

def test_plan_create_and_run_a_cluster(server, browser):
    b = browser
    # With a chain watched, clusters are planned over what can be booked here: GP4U listings.
    for _ in range(2):
        listed_gpu(server, price="0.70")
    _, token = new_user(server, "renter", funds="500")
    b.use_token(token, "clusters")
    job = {"job_name": "fine-tune", "compute_intensity": 1500, "vram_gb": 24, "deadline_hours": 12}
    b.fill("#cluster-form input[name=job_name]", job["job_name"])
    b.fill("#cluster-form input[name=compute_intensity]", job["compute_intensity"])
    b.fill("#cluster-form input[name=vram_gb]", job["vram_gb"])
    b.fill("#cluster-form input[name=deadline_hours]", job["deadline_hours"])
    b.click("#cluster-form button[type=submit]")
    plan = server.post("/api/v1/clusters/estimate", {**job, "same_provider": False}, token=token)
    b.find("#plan-view")
    assert b.text("#plan-view [data-field=total_cost]") == usd(plan["total_cost"])
    rows = b.qa("#plan-view tbody tr")
    assert [r.get_attribute("data-gpu") for r in rows] == [m["gpu_id"] for m in plan["members"]]
    shares = sum(Decimal(r.find_elements("css selector", "td")[-1].text.rstrip("%")) for r in rows)
    assert abs(shares - 100) <= Decimal("0.1") * len(rows)

    b.click("#create-cluster")
    b.wait_toast("ok", "Cluster “fine-tune” created")
    card = b.find("#my-clusters article[data-status=held]")
    cluster_id = card.get_attribute("data-cluster")
    assert Decimal(server.get("/api/v1/wallets/balance", token=token)["held"]) == Decimal(plan["total_cost"])
    b.click(f'article[data-cluster="{cluster_id}"] button[data-action=start]')
    b.wait(lambda: b.q(f'article[data-cluster="{cluster_id}"]').get_attribute("data-status") == "running")
    b.click(f'article[data-cluster="{cluster_id}"] button[data-action=complete]')
    b.click("dialog button[data-action=confirm]")
    b.wait(lambda: b.q(f'article[data-cluster="{cluster_id}"]').get_attribute("data-status") == "completed")
    assert server.get(f"/api/v1/clusters/{cluster_id}", token=token)["charged"] == plan["total_cost"]

    # No plan: the planner's reason, before anything is booked.
    b.fill("#cluster-form input[name=vram_gb]", "4000")
    b.click("#cluster-form button[type=submit]")
    message = api_error(server, "POST", "/api/v1/clusters/estimate", {**job, "vram_gb": 4000}, token=token)
    b.wait(lambda: message in b.text("#no-plan"), what="the planner's reason")
    assert not b.qa("#create-cluster")


# ---------------------------------------------------------------------------
# arbitrage and the price chart
# ---------------------------------------------------------------------------

def test_arbitrage_and_price_history_chart(server, browser):
    b = browser
    wait_for(lambda: server.get("/api/v1/gpus/rtx-4090/price-history?hours=24")["items"], 30, "an RTX 4090 price point")
    b.open("arbitrage")
    opps = server.get("/api/v1/arbitrage/opportunities")["items"]
    assert opps
    b.wait(lambda: len(b.qa("#opportunities article")) == len(opps))
    first = b.q("#opportunities article")
    assert first.get_attribute("data-model") == opps[0]["gpu_model"]
    assert f"{opps[0]['spread_pct']:.1f}% cheaper" in first.text
    assert b.text("#opportunities article [data-field=savings_per_hour]") == usd(opps[0]["savings_per_hour"])
    assert b.text("#opportunities article [data-field=savings_per_month]") == usd(opps[0]["savings_per_month"])
    assert len(first.find_elements("css selector", "time[datetime]")) == 2, "both offers' freshness"
    assert "outlier-filtered median" in b.text("#spread-formula")

    b.select("#history-form select[name=history_model]", "rtx-4090")
    b.select("#history-form select[name=hours]", "24")
    b.click("#history-form button[type=submit]")
    svg = b.find("#price-chart svg")
    labels = [t.text for t in b.qa("#price-chart svg text")]
    assert any(t.startswith("$") for t in labels) and "USD per GPU-hour" in labels, "axes with labels"
    assert b.qa("#price-chart svg path.line") and b.q("#price-chart svg title").get_attribute("textContent")
    hit = b.q("#price-chart rect.hit")
    ActionChains(b.driver).move_to_element(hit).perform()
    tip = b.wait(lambda: b.q("#price-chart .chart-tip").is_displayed() and b.text("#price-chart .chart-tip"))
    assert "median $" in tip and "offers" in tip
    assert svg.is_displayed()


# ---------------------------------------------------------------------------
# provider health
# ---------------------------------------------------------------------------

def test_provider_health_page(server, browser):
    b = browser
    wait_for(lambda: any(p["provider"] == "render" and p["status"] == "healthy"
                         for p in server.get("/api/v1/provider-health/health")["providers"]), 30, "render healthy")
    b.open("health")
    rows = {r.get_attribute("data-provider"): r for r in b.qa("#providers-health article")}
    assert set(rows) == {"vastai", "akash", "render"}
    assert rows["render"].find_element("css selector", "[data-field=status]").text == "healthy"
    for r in rows.values():
        assert r.find_element("css selector", "[data-field=breaker]").text in ("closed", "open", "half-open")
        assert "tokens" in r.find_element("css selector", "[data-field=limiter]").text
        assert "hits" in r.find_element("css selector", "[data-field=cache]").text
    assert rows["vastai"].find_element("css selector", "[data-field=breaker]").text in ("open", "half-open"), \
        "a provider that keeps failing trips its breaker"


# ---------------------------------------------------------------------------
# dark mode
# ---------------------------------------------------------------------------

def test_dark_mode_follows_the_system_and_remembers_the_toggle(server, browser):
    b = browser
    bg = lambda: b.js("return getComputedStyle(document.body).backgroundColor")  # noqa: E731
    b.color_scheme("dark")
    b.open("market")
    assert bg() == "rgb(13, 17, 23)", "no choice yet: the system's dark scheme"
    assert b.q("#theme-toggle").get_attribute("aria-pressed") == "true"
    b.color_scheme("light")
    b.open("market")
    assert bg() == "rgb(246, 248, 250)"
    b.click("#theme-toggle")
    b.wait(lambda: bg() == "rgb(13, 17, 23)", what="dark after the toggle")
    assert b.js("return document.documentElement.dataset.theme") == "dark"
    b.open("arbitrage")
    assert bg() == "rgb(13, 17, 23)", "remembered across loads"
    b.click("#theme-toggle")
    b.wait(lambda: bg() == "rgb(246, 248, 250)")
    assert b.q("#theme-toggle").get_attribute("aria-pressed") == "false"

    _, token = new_user(server)
    b.use_token(token, "market")
    b.click("#theme-toggle")
    wait_for(lambda: server.get("/api/v1/auth/me", token=token)["theme_preference"] == "dark", 10,
             "the account keeps the choice too")


# ---------------------------------------------------------------------------
# MetaMask: link by SIWE, log in with it, deposit USDC from the page
# ---------------------------------------------------------------------------

def test_metamask_link_login_and_deposit(server, dev, wallet, wallet_browser):
    b = wallet_browser
    email, token = new_user(server)
    b.use_token(token, "wallet")
    deposit = server.chain_config["deposit"]
    info = b.find(f'#deposit-info article[data-chain="{CHAIN_ID}"]')
    assert info.find_element("css selector", ".deposit-address").text.lower() == deposit.lower()
    b.click(f'#deposit-info article[data-chain="{CHAIN_ID}"] button[data-copy]')
    b.wait_toast("ok", "copied")
    copied = b.driver.execute_async_script("const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERR ' + e));")
    assert copied.lower() == deposit.lower()

    b.click("#connect-wallet")
    b.wait(lambda: b.qa("#wallet-address") and b.text("#wallet-address") == wallet.address)
    assert "eth_requestAccounts" in wallet.methods()
    b.click("#link-wallet")
    b.wait_toast("ok", f"Linked {wallet.address}")
    info = server.get(f"/api/v1/wallets/deposit-info?chain_id={CHAIN_ID}", token=token)
    assert wallet.address in info["linked_addresses"]
    message = bytes.fromhex(next(p for m, p in wallet.calls if m == "personal_sign")[0][2:]).decode()
    assert message.startswith(f"http://127.0.0.1:{server.port} wants you to sign in with your Ethereum account:\n")
    assert f"\n{wallet.address}\n" in message and f"Chain ID: {CHAIN_ID}" in message

    # Networks: Polygon and Amoy are unknown to a fresh wallet, so they are added.
    b.click('button[data-add-chain="137"]')
    b.wait_toast("ok", "on Polygon")
    added = wallet.added_chains[-1]
    assert added["chainId"] == "0x89" and added["nativeCurrency"]["decimals"] == 18 and added["rpcUrls"]
    assert wallet.chain_id == 137
    b.click('button[data-add-chain="80002"]')
    b.wait_toast("ok", "on Polygon Amoy")
    assert wallet.added_chains[-1]["chainId"] == "0x13882" and wallet.chain_id == 80002

    # Log out, then log in with the wallet.
    b.click("#logout")
    b.wait_ready("login")
    assert "invalid or expired" in api_error(server, "GET", "/api/v1/wallets/balance", token=token), \
        "logging out in the web app ends the session on the server"
    token = server.login(email)
    b.click("#siwe-login")
    b.wait_toast("ok", f"Signed in with {wallet.address}")
    b.wait(lambda: email in b.text("#who"), what="logged in as the wallet's account")
    assert [m for m, _ in wallet.calls].count("personal_sign") == 2

    # A deposit larger than the wallet holds is refused before anything is sent.
    b.open("wallet")
    b.click("#connect-wallet")
    b.wait(lambda: b.qa("#wallet-address"))
    b.fill("#deposit-form input[name=deposit_amount]", "5000")
    b.click("#send-deposit")
    b.wait_toast("error", "that is less than 5000.00")
    assert "eth_sendTransaction" not in wallet.methods()
    assert wallet.chain_id == CHAIN_ID, "the deposit switched the wallet back to the watched chain"

    before = Decimal(server.get("/api/v1/wallets/balance", token=token)["available"])
    b.clear_toasts()
    b.fill("#deposit-form input[name=deposit_amount]", "25.5")
    b.click("#send-deposit")
    b.wait_toast("ok", "Sent 25.50 USDC")
    sent = wallet.sent[-1]
    assert sent["to"].lower() == dev.usdc.lower()
    data = sent["data"]
    assert data[:10] == "0xa9059cbb" and int(data[10:74], 16) == int(deposit, 16) and int(data[74:], 16) == 25_500_000
    tx = sent["hash"].lower()
    row = f'#deposits-table tr[data-tx="{tx}"]'
    b.wait(lambda: b.qa(row) and b.q(row).get_attribute("data-status") == "pending"
           and b.q(f"{row} [data-field=confirmations]").text == f"1 of {CONFIRMATIONS} confirmations",
           what="pending with 1 confirmation")
    dev.mine(1)
    b.wait(lambda: b.q(f"{row} [data-field=confirmations]").text == f"2 of {CONFIRMATIONS} confirmations",
           what="2 confirmations")
    dev.mine(1)
    b.wait(lambda: b.q(row).get_attribute("data-status") == "credited", what="credited")
    b.wait_toast("ok", "Deposit of 25.50 USDC credited")
    after = before + Decimal("25.5")
    b.wait(lambda: b.text('[data-balance=available] .value') == f"{after:.2f} USDC", what="the balance updated")
    assert Decimal(server.get("/api/v1/wallets/balance", token=token)["available"]) == after

    b.screenshot("flow-wallet-after-deposit")

    # A withdrawal request is held at once and can be cancelled until approved.
    assert b.q("#withdraw-form input[name=withdraw_to]").get_attribute("value") == wallet.address
    b.fill("#withdraw-form input[name=withdraw_amount]", "5")
    b.click("#request-withdrawal")
    b.wait_toast("ok", "Withdrawal of 5.00 USDC requested")
    first = server.get("/api/v1/wallets/withdrawals", token=token)["items"][0]
    assert first["to"] == wallet.address and first["amount"] == "5.00" and first["status"] == "requested"
    row = f'#withdrawals-table tr[data-withdrawal="{first["id"]}"]'
    b.wait(lambda: b.qa(row) and b.q(row).get_attribute("data-status") == "requested", what="the request listed")
    balance = server.get("/api/v1/wallets/balance", token=token)
    assert Decimal(balance["available"]) == after - 5 and Decimal(balance["held"]) == 5
    b.click(f"{row} button[data-action=cancel-withdrawal]")
    b.click("dialog button[data-action=confirm]")
    b.wait_toast("ok", "Withdrawal cancelled")
    b.wait(lambda: b.q(row).get_attribute("data-status") == "cancelled")
    assert Decimal(server.get("/api/v1/wallets/balance", token=token)["available"]) == after

    # Another one, approved by an operator on the server host and paid on chain.
    def on_chain() -> int:
        data = "0x70a08231" + wallet.address[2:].lower().rjust(64, "0")
        return int(dev.rpc("eth_call", [{"to": dev.usdc, "data": data}, "latest"]), 16)
    held_before = on_chain()
    b.fill("#withdraw-form input[name=withdraw_amount]", "10")
    b.click("#request-withdrawal")
    b.wait_toast("ok", "Withdrawal of 10.00 USDC requested")
    second = server.get("/api/v1/wallets/withdrawals", token=token)["items"][0]
    row = f'#withdrawals-table tr[data-withdrawal="{second["id"]}"]'
    operator = server.create_operator(new_email("ops"))
    assert "approved" in server.cli("withdrawals", "approve", second["id"], "--operator", operator).stdout
    b.wait(lambda: b.q(row).get_attribute("data-status") in ("broadcast", "confirmed"), 30, "the payout sent")
    dev.mine(CONFIRMATIONS)
    b.wait(lambda: b.q(row).get_attribute("data-status") == "confirmed", 30, "the payout confirmed")
    assert on_chain() == held_before + 10 * MICRO
    assert Decimal(server.get("/api/v1/wallets/balance", token=token)["total_withdrawn"]) == 10


def test_simulated_deposit_is_labelled(server, browser):
    b = browser
    _, token = new_user(server)
    b.use_token(token, "wallet")
    section = b.find("#simulated")
    assert "not real money" in section.text and "test money" in section.text
    b.fill("#sim-form input[name=sim_amount]", "42.10")
    b.click("#sim-deposit")
    b.wait_toast("ok", "Simulated deposit of 42.10 USDC")
    b.wait(lambda: b.text('[data-balance=available] .value') == "42.10 USDC")
    b.wait(lambda: b.qa('#ledger tr[data-type="simulated_deposit"] .badge.simulated'), what="marked in the ledger")
    b.select("select[name=type]", "reservation_hold")
    b.wait(lambda: not b.qa('#ledger tr[data-type="simulated_deposit"]'), what="the type filter")
    assert "No entries." in b.text("#ledger")
    assert b.qa("#spending svg") or "nothing to show" in b.text("#spending")


# ---------------------------------------------------------------------------
# every page, two widths, two themes
# ---------------------------------------------------------------------------

PAGES_SIGNED_OUT = ["login", "signup"]
PAGES_SIGNED_IN = ["market", "arbitrage", "reservations", "clusters", "wallet", "provider", "health"]


def test_every_page_at_two_widths_in_both_themes(server, dev):
    # A provider with a listing, a booking, a cluster and a linked wallet, so the pages
    # show their full content.
    email, token = new_user(server, "provider", funds="300")
    listing = server.post("/api/v1/provider/gpus", {"model": "RTX 4090", "price_per_hour": "0.5", "location": "Lyon, FR"},
                          token=token)
    start = hour_from_now(26)
    server.post("/api/v1/reservations", {"gpu_id": listing["id"], "start_time": iso(start),
                                         "end_time": iso(start + timedelta(hours=3))}, token=token)
    server.post("/api/v1/clusters", {"job_name": "render farm", "compute_intensity": 800, "vram_gb": 16,
                                     "deadline_hours": 8}, token=token)
    key = dev.keys[2]
    server.link_wallet(token, key)
    wallet = TestWallet(dev, key, CHAIN_ID)
    wallet.connected = True
    b = Browser(server.base, wallet=wallet)
    problems = []
    checked = 0
    try:
        for width in (1280, 390):
            for scheme in ("light", "dark"):
                b.viewport(width, 900)
                b.color_scheme(scheme)
                b.driver.get(f"{server.base}/#/login")
                b.js("sessionStorage.clear(); localStorage.clear();")
                for signed_in, pages in ((False, PAGES_SIGNED_OUT), (True, PAGES_SIGNED_IN)):
                    if signed_in:
                        b.js("sessionStorage.setItem('gp4u-token', arguments[0]);", token)
                    for page in pages:
                        route = f"reservations?gpu={listing['id']}" if page == "reservations" else page
                        b.drain_logs()
                        b.open(route)
                        if page == "wallet":
                            b.wait(lambda: b.qa("#wallet-address"), what="the connected wallet")
                        b.wait(lambda: b.js("return document.fonts.status") == "loaded")
                        name = f"{page}-{width}-{scheme}"
                        dark = b.js("return getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
                        if dark != (scheme == "dark"):
                            problems.append(f"{name}: theme not applied")
                        overflow = b.js("return document.documentElement.scrollWidth")
                        if overflow > width:
                            problems.append(f"{name}: page is {overflow}px wide at {width}px")
                        violations = b.axe_violations()
                        if violations:
                            problems.append(f"{name}: axe\n{describe(violations)}")
                        errors = b.console_errors()
                        if errors:
                            problems.append(f"{name}: console errors {errors}")
                        failed = b.failed_requests()
                        if failed:
                            problems.append(f"{name}: failed requests {failed}")
                        b.screenshot(name)
                        checked += 1
        # The narrowest phones the app supports: nothing may be wider than the screen.
        b.viewport(360, 780)
        b.color_scheme("light")
        for page in PAGES_SIGNED_IN:
            b.open(f"reservations?gpu={listing['id']}" if page == "reservations" else page)
            overflow = b.js("return document.documentElement.scrollWidth")
            if overflow > 360:
                problems.append(f"{page}-360: page is {overflow}px wide at 360px")
    finally:
        b.quit()
    assert checked == 2 * 2 * (len(PAGES_SIGNED_OUT) + len(PAGES_SIGNED_IN))
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# keyboard
# ---------------------------------------------------------------------------

def test_keyboard_navigation(server, browser):
    from selenium.webdriver.common.keys import Keys
    b = browser
    _, token = new_user(server, "renter", funds="50")
    gpu = search_ids(server, model="rtx-4090", sort="price", limit=1)[0][0]
    b.use_token(token, f"reservations?gpu={gpu}")
    b.find("#calendar-table")
    # The skip link is the first stop and moves focus to the content.
    b.q("body").send_keys(Keys.TAB)
    assert b.js("return document.activeElement.id") == "skip-link"
    b.driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert b.js("return document.activeElement.id") == "main"
    # One hour of the calendar is in the tab order; arrow keys move by hour and by day,
    # Enter selects.
    first = b.q("#calendar-table button.slot[tabindex='0']")
    assert first.get_attribute("data-state") == "free"
    first.send_keys(Keys.ARROW_DOWN)
    below = b.driver.switch_to.active_element
    t0 = datetime.strptime(first.get_attribute("data-time"), "%Y-%m-%dT%H:%M:%SZ")
    assert below.get_attribute("data-time") == iso(t0 + timedelta(hours=1))
    below.send_keys(Keys.ARROW_RIGHT)
    right = b.driver.switch_to.active_element
    assert right.get_attribute("data-time") == iso(t0 + timedelta(days=1, hours=1))
    right.send_keys(Keys.ENTER)
    b.wait(lambda: right.get_attribute("aria-pressed") == "true")
    right.send_keys(Keys.ARROW_DOWN)
    b.driver.switch_to.active_element.send_keys(Keys.ENTER)
    b.wait(lambda: "2 hours" in b.text("#selection"))
    # At 390 px the navigation folds behind a Menu button.
    b.viewport(390, 844)
    toggle = b.q("#menu-toggle")
    assert toggle.is_displayed() and not b.q("#nav").is_displayed()
    toggle.send_keys(Keys.ENTER)
    b.wait(lambda: b.q("#nav").is_displayed() and toggle.get_attribute("aria-expanded") == "true")
    b.q('#nav a[href="#/wallet"]').send_keys(Keys.ENTER)
    b.wait_ready("wallet")
    assert not b.q("#nav").is_displayed(), "the menu closes after navigating"


# ---------------------------------------------------------------------------
# the page's own primitives, against independent implementations
# ---------------------------------------------------------------------------

def test_js_primitives_match_python_references(server, browser):
    from eth_utils import keccak, to_checksum_address
    b = browser
    b.open("login")
    run = """
      const ADDR = arguments[0];
      const done = arguments[arguments.length - 1];
      Promise.all([import('/assets/keccak.js'), import('/assets/dom.js'), import('/assets/eth.js'),
                   import('/assets/page-reservations.js')]).then(([k, d, e, r]) => {
        const texts = ['', 'abc', 'x'.repeat(135), 'x'.repeat(136), 'x'.repeat(300)];
        done({
          hashes: texts.map((t) => k.toHex(k.keccak256(new TextEncoder().encode(t)))),
          checksums: ADDR.map((a) => k.toChecksumAddress(a)),
          micro: ['1.5', '0.000001', '12', '1.1234567', '-2.25', 'abc'].map((t) => { const m = d.toMicro(t); return m === null ? null : m.toString(); }),
          usd: ['1.5', '0.000001', '-2.25', '100'].map((t) => d.usd(t)),
          transfer: e.transferData('0x' + 'ab'.repeat(20), 25500000n),
          siwe: e.siweMessage({scheme: 'http', domain: 'example.com:8080', address: ADDR[0], statement: 'Hi.',
                               uri: 'http://example.com:8080', chainId: 137, nonce: 'abcdefgh12', issuedAt: '2026-01-01T00:00:00Z',
                               expirationTime: '2026-01-01T00:10:00Z'}),
          refunds: [[50, '10.00'], [5, '0.000003'], [-1, '4.00']].map(([h, total]) => {
            const start = new Date(Date.now() + h * 3600e3).toISOString();
            return r.policyRefund({status: h < 0 ? 'active' : 'confirmed', start_time: start, total_cost: total}).toString();
          }),
        });
      }, (err) => done({error: String(err)}));
    """
    addresses = ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
                 "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb"]
    r = b.driver.execute_async_script(run, addresses)
    assert "error" not in r, r
    texts = ["", "abc", "x" * 135, "x" * 136, "x" * 300]
    assert r["hashes"] == [keccak(text=t).hex().removeprefix("0x") for t in texts]
    assert r["checksums"] == [to_checksum_address(a) for a in addresses]
    assert r["micro"] == ["1500000", "1", "12000000", None, "-2250000", None]
    assert r["usd"] == ["$1.50", "$0.000001", "−$2.25", "$100.00"]
    assert r["transfer"] == "0xa9059cbb" + "00" * 12 + "ab" * 20 + hex(25_500_000)[2:].rjust(64, "0")
    assert r["siwe"] == "\n".join([
        "http://example.com:8080 wants you to sign in with your Ethereum account:",
        to_checksum_address(addresses[0]), "", "Hi.", "", "URI: http://example.com:8080", "Version: 1",
        "Chain ID: 137", "Nonce: abcdefgh12", "Issued At: 2026-01-01T00:00:00Z",
        "Expiration Time: 2026-01-01T00:10:00Z"])
    assert r["refunds"] == ["10000000", "1", "0"]
