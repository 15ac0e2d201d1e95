"""Debian's nginx as a load balancer in front of several `gp4u serve` on loopback, for
the multi-replica test: no daemon, its own prefix, config and logs in a temp folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import time

from e2e import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def available() -> bool:
    return os.access(NGINX, os.X_OK)


class Nginx:
    def __init__(self, upstreams: list[int], prefix: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.prefix = prefix
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;" for p in upstreams)
        # A refused connection or a reset before the answer: try the next replica. Only a
        # request the killed replica had already started answering can fail.
        conf = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream gp4u {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://gp4u;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 1s;
        }}
    }}
}}
"""
        self.conf = os.path.join(prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc: subprocess.Popen | None = None

    def __enter__(self):
        self.proc = subprocess.Popen([NGINX, "-p", self.prefix, "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        import socket
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited: {self.proc.stderr.read().decode(errors='replace')}")
            time.sleep(0.05)
        raise AssertionError("nginx did not listen within 10 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
