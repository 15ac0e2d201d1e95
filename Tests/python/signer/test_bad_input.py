"""Bad input exits non-zero with one clear line on stderr, and never leaks the key."""
import json

import pytest
from eth_keyfile import create_keyfile_json

from conftest import write_password

KEY = bytes.fromhex("4646464646464646464646464646464646464646464646464646464646464646")
GOOD_TX = {
    "type": "2", "chain_id": "137", "nonce": "0", "gas_limit": "65000",
    "to": "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "value": "0", "data": "0x",
    "max_priority_fee_per_gas": "30000000000", "max_fee_per_gas": "60000000000",
}


@pytest.fixture
def keystore(workdir):
    path = workdir / "key.json"
    path.write_text(json.dumps(create_keyfile_json(KEY, b"right", kdf="pbkdf2", iterations=2)))
    return str(path), write_password(workdir, "right"), write_password(workdir, "wrong", "wrong.txt")


def without(field):
    d = dict(GOOD_TX)
    d.pop(field)
    return json.dumps(d)


def replaced(field, value):
    d = dict(GOOD_TX)
    d[field] = value
    return json.dumps(d)


@pytest.mark.parametrize("stdin, mention", [
    ("{not json", "JSON"),
    ("[]", "object"),
    (without("nonce"), "nonce"),
    (without("to"), "to"),
    (replaced("nonce", 5), "nonce"),
    (replaced("nonce", "-1"), "nonce"),
    (replaced("value", "1e18"), "value"),
    (replaced("data", "0xabc"), "data"),
    (replaced("data", "0xzz"), "data"),
    (replaced("to", "0x3C499c542cEF5E3811e1192ce70d8cC03d5c3359"), "checksum"),
    (replaced("type", "3"), "type"),
    (replaced("gas_price", "1"), "gas_price"),
])
def test_bad_transaction_json(gp4u, keystore, stdin, mention):
    path, pw, _ = keystore
    proc = gp4u("tx", "sign", "--keystore", path, "--password-file", pw, stdin=stdin.encode(), check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1, err
    assert mention in err
    assert proc.stdout == b""


def test_wrong_password(gp4u, keystore):
    path, _, wrong = keystore
    proc = gp4u("tx", "sign", "--keystore", path, "--password-file", wrong, stdin=json.dumps(GOOD_TX).encode(), check=False)
    assert proc.returncode != 0
    err = proc.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "password" in err


@pytest.mark.parametrize("raw", ["0x", "0xzz", "02f8", "0x02c0", "0x" + "c0"])
def test_bad_raw_transactions(gp4u, raw):
    proc = gp4u("tx", "decode", raw, check=False)
    assert proc.returncode != 0
    assert len(proc.stderr.decode().strip().splitlines()) == 1


def test_bad_key_import_never_echoes_the_key(gp4u, workdir):
    pw = write_password(workdir, "x")
    secret = "0x" + "ff" * 32  # above the group order
    proc = gp4u("keys", "import", "--out", str(workdir / "k.json"), "--password-file", pw,
                stdin=secret.encode(), check=False)
    assert proc.returncode != 0
    assert "ff" * 8 not in (proc.stderr + proc.stdout).decode()
    assert not (workdir / "k.json").exists()


def test_sign_output_never_contains_the_key(gp4u, keystore):
    path, pw, _ = keystore
    proc = gp4u("tx", "sign", "--keystore", path, "--password-file", pw, stdin=json.dumps(GOOD_TX).encode())
    assert KEY.hex() not in (proc.stdout + proc.stderr).decode()


def test_refuses_to_overwrite(gp4u, keystore):
    path, pw, _ = keystore
    proc = gp4u("keys", "new", "--out", path, "--password-file", pw, "--scrypt-n", "16", "--insecure-test-key", check=False)
    assert proc.returncode != 0 and "exists" in proc.stderr.decode()


@pytest.mark.parametrize("args, password, mention", [
    (["--scrypt-n", "2"], "a real password", "too weak"),
    (["--scrypt-n", "8192"], "a real password", "too weak"),
    ([], "", "empty password"),
])
@pytest.mark.parametrize("command", ["new", "import"])
def test_weak_keystores_are_refused_unless_marked_for_tests(gp4u, workdir, command, args, password, mention):
    pw = write_password(workdir, password)
    out = workdir / "weak.json"
    stdin = ("0x" + KEY.hex()).encode() if command == "import" else b""
    proc = gp4u("keys", command, "--out", str(out), "--password-file", pw, *args, stdin=stdin, check=False)
    assert proc.returncode != 0 and mention in proc.stderr.decode(), proc.stderr.decode()
    assert not out.exists()
    # the same, marked as a throwaway test key, is written (at a light cost where asked)
    light = args or ["--scrypt-n", "16"]
    gp4u("keys", command, "--out", str(out), "--password-file", pw, *light, "--insecure-test-key", stdin=stdin)
    assert json.loads(out.read_text())["crypto"]["kdfparams"]["n"] == int(light[1])
