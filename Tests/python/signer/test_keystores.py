"""Keystores written by eth-keyfile decrypt with gp4u, and keystores written by
`gp4u keys import` decrypt with eth-keyfile (light work factors to stay fast)."""
import json
import os
import random
import stat

import pytest

from eth_account import Account
from eth_keyfile import create_keyfile_json, decode_keyfile_json

from conftest import write_password

SEED = 3
COUNT = 20


def random_password(rng):
    return "".join(rng.choice("abc XYZ 123 ♥ é 🔑 \t!") for _ in range(rng.randint(0, 40)))


def test_eth_keyfile_to_gp4u(gp4u, workdir):
    rng = random.Random(SEED)
    for i in range(COUNT):
        key = rng.randbytes(32)
        password = random_password(rng)
        kdf = "scrypt" if i % 2 else "pbkdf2"
        doc = create_keyfile_json(key, password.encode(), kdf=kdf, iterations=16 if kdf == "scrypt" else 3)
        if i % 5 == 0:
            doc.pop("address")  # files without an address still decrypt
        path = workdir / f"k{i}.json"
        path.write_text(json.dumps(doc))
        pw = write_password(workdir, password, f"pw{i}.txt")
        out = gp4u("keys", "address", str(path), "--password-file", pw).stdout.decode().strip()
        assert out == Account.from_key(key).address


def test_gp4u_to_eth_keyfile(gp4u, workdir):
    rng = random.Random(SEED + 1)
    for i in range(COUNT):
        key = rng.randbytes(32)
        if i == 0:
            key = b"\x00" * 3 + key[3:]  # leading zero bytes survive
        password = random_password(rng)
        pw = write_password(workdir, password, f"pw{i}.txt")
        path = workdir / f"ours{i}.json"
        out = gp4u("keys", "import", "--out", str(path), "--password-file", pw, "--scrypt-n", "16", "--insecure-test-key",
                   stdin=("0x" + key.hex() + "\n").encode()).stdout.decode().strip()
        assert out == Account.from_key(key).address
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        doc = json.loads(path.read_text())
        assert doc["version"] == 3 and doc["crypto"]["kdf"] == "scrypt"
        assert decode_keyfile_json(doc, password.encode()) == key
        assert gp4u("keys", "address", str(path)).stdout.decode().strip() == out


def test_keys_new_fresh_salt_and_iv(gp4u, workdir):
    pw = write_password(workdir, "correct horse")
    docs = []
    for name in ("a.json", "b.json"):
        path = workdir / name
        address = gp4u("keys", "new", "--out", str(path), "--password-file", pw, "--scrypt-n", "16", "--insecure-test-key").stdout.decode().strip()
        doc = json.loads(path.read_text())
        assert Account.from_key(decode_keyfile_json(doc, b"correct horse")).address == address
        docs.append(doc)
    assert docs[0]["crypto"]["kdfparams"]["salt"] != docs[1]["crypto"]["kdfparams"]["salt"]
    assert docs[0]["crypto"]["cipherparams"]["iv"] != docs[1]["crypto"]["cipherparams"]["iv"]


# scrypt at n=2^18 takes tens of seconds in a debug build (BoringSSL unoptimised).
@pytest.mark.skipif(not os.environ.get("GP4U_LONG_TESTS"), reason="set GP4U_LONG_TESTS=1 (fast with a release GP4U_BIN)")
def test_keys_new_defaults_to_standard_scrypt(gp4u, workdir):
    pw = write_password(workdir, "correct horse")
    path = workdir / "new.json"
    address = gp4u("keys", "new", "--out", str(path), "--password-file", pw).stdout.decode().strip()
    doc = json.loads(path.read_text())
    assert doc["crypto"]["kdfparams"]["n"] == 2**18
    assert Account.from_key(decode_keyfile_json(doc, b"correct horse")).address == address
