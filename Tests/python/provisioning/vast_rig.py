"""Test helper: start vast_fixture.py as a subprocess and talk to it.

    with VastFixture(loading_polls=2) as vast:
        offer = vast.post("/api/v0/bundles/", {"limit": 5}).json()["offers"][0]
        r = vast.put(f"/api/v0/asks/{offer['id']}/", {"image": "pytorch/pytorch", "disk": 20, "label": "gp4u-res-1"})
        vast.fault(rate_limit={"endpoint": "get", "times": 2, "body": "detail"})
        vast.state()["counts"]["creates"]

The server prints `READY <url>` once listening; the helper waits for that line, and stops
the process (SIGTERM, then SIGKILL) on exit. Only 127.0.0.1 is used; stdlib only.

(Named vast_rig.py, not rig.py: pytest puts every test directory on sys.path, so a
second `rig` module would clash with Tests/python/chain/rig.py in one session.)
"""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_API_KEY = "fixture-vast-key"


class Response:
    """One HTTP answer: status, headers (case-insensitive lookup), raw body."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.body[:120]!r}>"


class VastFixture:
    """vast_fixture.py in a subprocess. `offers` is a list of offer dicts or a path to a
    `{"offers": [...]}` file; the other arguments map to the CLI flags."""

    def __init__(self, api_key: str = DEFAULT_API_KEY, offers=None, loading_polls: int | None = None,
                 seed: int | None = None, credit: float | None = None, startup_timeout: float = 20.0,
                 python: str | None = None):
        self.api_key = api_key
        self.offers = offers
        self.loading_polls = loading_polls
        self.seed = seed
        self.credit = credit
        self.startup_timeout = startup_timeout
        self.python = python or sys.executable  # the venv's python when pytest runs from it
        self.proc = None
        self.url = None
        self._tmp = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- process --

    def args(self) -> list[str]:
        args = ["--port", "0", "--api-key", self.api_key]
        if self.offers is not None:
            path = self.offers
            if not isinstance(path, (str, os.PathLike)):
                self._tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
                json.dump({"offers": list(self.offers)}, self._tmp)
                self._tmp.close()
                path = self._tmp.name
            args += ["--offers", str(path)]
        if self.loading_polls is not None:
            args += ["--loading-polls", str(self.loading_polls)]
        if self.seed is not None:
            args += ["--seed", str(self.seed)]
        if self.credit is not None:
            args += ["--credit", str(self.credit)]
        return args

    def start(self):
        cmd = [self.python, os.path.join(HERE, "vast_fixture.py"), *self.args()]
        # stderr goes to a file: a pipe nobody reads could fill up and stall the server
        self._stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        timer = threading.Timer(self.startup_timeout, self.proc.kill)  # readline blocks
        timer.start()
        try:
            line = self.proc.stdout.readline()
        finally:
            timer.cancel()
        if not line.startswith("READY "):
            self.stop(keep_stderr=True)
            self._stderr.seek(0)
            err = self._stderr.read().decode(errors="replace")
            self._stderr.close()
            raise RuntimeError(f"vast_fixture.py did not start: {line!r} {err[-2000:]}")
        self.url = line.split()[1]
        parsed = urllib.parse.urlsplit(self.url)
        self.host, self.port = parsed.hostname, parsed.port

    def stop(self, keep_stderr: bool = False):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        if not keep_stderr:
            self._stderr.close()
        if self._tmp is not None:
            os.unlink(self._tmp.name)
            self._tmp = None
        self.proc = None

    # -- HTTP --

    def request(self, method: str, path: str, body=None, params: dict | None = None, auth: bool | str = True,
                headers: dict | None = None, timeout: float = 10.0) -> Response:
        """One call. `body` (any JSON value, or bytes as-is) is sent as JSON; `params` go in
        the query string as given (JSON-encode v1 list parameters yourself, or use
        `list_v1`). `auth=True` sends `Authorization: Bearer <api_key>`, a string sends that
        key instead, `"query"` sends `?api_key=<api_key>`, False sends none."""
        params = dict(params or {})
        hdrs = {"Accept": "application/json", **(headers or {})}
        if auth == "query":
            params["api_key"] = self.api_key
        elif auth:
            hdrs["Authorization"] = f"Bearer {self.api_key if auth is True else auth}"
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params)
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, data, hdrs)
            resp = conn.getresponse()
            return Response(resp.status, resp.headers, resp.read())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.request("DELETE", path, body, **kw)

    # -- conveniences for the Vast calls tests make most --

    def search(self, **query) -> list[dict]:
        r = self.post("/api/v0/bundles/", query)
        assert r.status == 200, r
        return r.json()["offers"]

    def create(self, offer_id: int, image: str = "pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime", disk: float = 20,
               timeout: float = 10.0, **fields) -> Response:
        """`PUT /api/v0/asks/{offer_id}/` with the CLI's body; `fields` add to it (label, env, ...)."""
        body = {"client_id": "me", "image": image, "disk": disk, **fields}
        return self.put(f"/api/v0/asks/{offer_id}/", body, timeout=timeout)

    def instance(self, instance_id: int):
        """`GET /api/v0/instances/{id}/` unwrapped: the instance object or None (one read)."""
        r = self.get(f"/api/v0/instances/{instance_id}/")
        assert r.status == 200, r
        return r.json()["instances"]

    def list_v1(self, **params) -> Response:
        """`GET /api/v1/instances/` with every parameter JSON-encoded, as the CLI sends them."""
        return self.get("/api/v1/instances/", params={k: json.dumps(v) for k, v in params.items()})

    # -- control endpoints --

    def state(self) -> dict:
        return self.get("/_fixture/state", auth=False).json()

    def fault(self, **spec) -> dict:
        """e.g. fault(create={"status": 410, "times": 1}), fault(rate_limit={...}),
        fault(exit={"instance": id}), fault(credit=0), fault(busy_offer=offer_id)."""
        r = self.post("/_fixture/fault", spec, auth=False)
        if r.status != 200:
            raise RuntimeError(f"fault {spec} refused: {r}")
        return r.json()

    def reset(self):
        r = self.post("/_fixture/reset", {}, auth=False)
        assert r.status == 200, r
