"""Shared helpers for the signer cross-checks: run the gp4u CLI (GP4U_BIN) and make
keystores and password files in a temporary directory."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def gp4u():
    binary = os.environ.get("GP4U_BIN", str(ROOT / ".build" / "debug" / "gp4u"))
    if not os.path.exists(binary):
        pytest.fail(f"gp4u binary not found at {binary}; build it or set GP4U_BIN")

    def run(*args, stdin=b"", check=True):
        proc = subprocess.run([binary, *args], input=stdin, capture_output=True, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError(f"gp4u {' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()}")
        return proc

    return run


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


def write_password(directory, password, name="pw.txt"):
    """A password file: the password's UTF-8 bytes and a newline (geth's convention)."""
    path = pathlib.Path(directory) / name
    path.write_bytes(password.encode() + b"\n")
    return str(path)
