"""Headless Chromium driven by Selenium for the web app tests: Debian's `chromium` and
`chromedriver` (never a downloaded browser), the test wallet injected before page
scripts, console and network logs read back, axe-core run in the page.

Every wait polls a condition (and answers wallet requests meanwhile); none sleeps blindly.
"""
from __future__ import annotations

import base64
import json
import os
import time

from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from wallet import PROVIDER_JS

CHROMIUM = os.environ.get("GP4U_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GP4U_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = os.environ.get("GP4U_WEB_SCREENSHOTS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "screenshots"))


class Browser:
    def __init__(self, base: str, wallet=None, width: int = 1280, height: int = 900):
        self.base = base
        self.wallet = wallet
        self.loads = 0
        options = Options()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    f"--window-size={width},{height}", "--disable-extensions", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--lang=en-US"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        self.driver.set_script_timeout(60)
        if wallet is not None:
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROVIDER_JS})
        try:
            self.driver.execute_cdp_cmd("Browser.grantPermissions", {
                "origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        except WebDriverException:
            pass  # older Chromium: the copy button then reports that it could not copy
        self.viewport(width, height)

    # --- set-up -------------------------------------------------------------------------

    def viewport(self, width: int, height: int = 900):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.width = width

    def color_scheme(self, scheme: str):
        """Emulates the system's prefers-color-scheme ("light" or "dark")."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - best effort
            pass

    # --- navigation and waiting -----------------------------------------------------------

    def open(self, route: str, expect: str | None = None, timeout: float = 20):
        """A full page load of `#/route` (a fresh document, so the test sees what a reload
        shows); waits until page `expect` (default: the route's) has rendered."""
        self.loads += 1
        self.driver.get(f"{self.base}/?load={self.loads}#/{route}")
        return self.wait_ready(expect or route.split("?")[0], timeout)

    def wait_ready(self, name: str, timeout: float = 20):
        self.wait(lambda: self.js("return document.querySelector('main').getAttribute('data-ready')") == name,
                  timeout, f"page {name} rendered")

    def go(self, route: str, timeout: float = 20):
        """Same-document navigation (what clicking a link does)."""
        self.js("document.querySelector('main').removeAttribute('data-ready'); location.hash = arguments[0];", f"#/{route}")
        self.wait_ready(route.split("?")[0], timeout)

    def wait(self, cond, timeout: float = 20, what: str = "condition"):
        deadline = time.monotonic() + timeout
        last = None
        while True:
            if self.wallet is not None:
                self.wallet.pump(self.driver)
            try:
                last = cond()
                if last:
                    return last
            except (StaleElementReferenceException, WebDriverException) as exc:
                last = exc
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}; "
                                     f"toasts: {self.toasts()}; url: {self.driver.current_url}")
            time.sleep(0.05)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    # --- elements ---------------------------------------------------------------------------

    def q(self, css: str, root=None):
        return (root or self.driver).find_element(By.CSS_SELECTOR, css)

    def qa(self, css: str, root=None):
        return (root or self.driver).find_elements(By.CSS_SELECTOR, css)

    def find(self, css: str, timeout: float = 20):
        return self.wait(lambda: (self.qa(css) or [None])[0], timeout, f"element {css}")

    def text(self, css: str) -> str:
        return self.q(css).text

    def click(self, css_or_el, timeout: float = 20):
        def attempt():
            el = self.find(css_or_el, timeout) if isinstance(css_or_el, str) else css_or_el
            self.js("arguments[0].scrollIntoView({block: 'center'});", el)
            el.click()
            return True
        self.wait(lambda: _try(attempt), timeout, f"click on {css_or_el}")

    def fill(self, css_or_el, value):
        el = self.find(css_or_el) if isinstance(css_or_el, str) else css_or_el
        el.clear()
        el.send_keys(str(value))
        return el

    def select(self, css: str, value: str):
        self.js("const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));", css, value)

    # --- toasts -------------------------------------------------------------------------------

    def toasts(self) -> list[tuple[str, str]]:
        try:
            return [(t.get_attribute("data-kind"), t.find_element(By.CSS_SELECTOR, "p").text) for t in self.qa("#toasts .toast")]
        except WebDriverException:
            return []

    def clear_toasts(self):
        self.js("document.getElementById('toasts').replaceChildren();")

    def wait_toast(self, kind: str = "ok", contains: str = "", timeout: float = 20) -> str:
        def cond():
            for k, text in self.toasts():
                if k == kind and contains in text:
                    return text
            return None
        return self.wait(cond, timeout, f"{kind} toast containing {contains!r}")

    # --- what the page logged -------------------------------------------------------------------

    def console_errors(self) -> list[str]:
        """SEVERE console entries (errors, and failed loads) since the last call."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def failed_requests(self) -> list[str]:
        """Responses with status >= 400 and requests that failed, since the last call."""
        out = []
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            params = msg.get("params", {})
            if msg.get("method") == "Network.responseReceived":
                r = params.get("response", {})
                if r.get("status", 0) >= 400:
                    out.append(f"{r.get('status')} {r.get('url')}")
            elif msg.get("method") == "Network.loadingFailed" and not params.get("canceled"):
                if params.get("errorText") != "net::ERR_ABORTED":
                    out.append(f"failed {params.get('errorText')} ({params.get('type')})")
        return out

    def drain_logs(self):
        self.console_errors()
        self.failed_requests()

    def axe_violations(self, impacts=("serious", "critical")) -> list[dict]:
        from axe_selenium_python import Axe
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        return [v for v in results["violations"] if v.get("impact") in impacts]

    def screenshot(self, name: str, full_page: bool = True) -> str:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        if full_page:
            height = min(int(self.js("return document.documentElement.scrollHeight")), 6000)
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1}})
            with open(path, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        else:
            self.driver.save_screenshot(path)
        return path

    # --- the session -------------------------------------------------------------------------------

    def use_token(self, token: str, route: str = "market"):
        """Signs this tab in with a token from the API (as the login page would)."""
        self.driver.get(f"{self.base}/#/login")
        self.js("sessionStorage.setItem('gp4u-token', arguments[0]);", token)
        return self.open(route)


def _try(f):
    try:
        return f()
    except (ElementClickInterceptedException, StaleElementReferenceException):
        return False


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        nodes = "; ".join(" ".join(n.get("target", [])) + f" ({n.get('failureSummary', '').strip()[:200]})"
                          for n in v.get("nodes", [])[:5])
        lines.append(f"{v['id']} [{v['impact']}]: {v['help']} -> {nodes}")
    return "\n".join(lines)
