"""Keystores written by eth-keyfile decrypt with gp4u, and keystores written by
`gp4u keys import` decrypt with eth-keyfile (light work factors to stay fast)."""
import json
import os
import random
import stat

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
        out = gp4u("keys", "import", "--out", str(path), "--password-file", pw, "--scrypt-n", "16",
                   stdin=("0x" + key.hex() + "\n").encode()).stdout.decode().strip()
        assert out == Account.from_key(key).address
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        doc = json.loads(path.read_text())
        assert doc["version"] == 3 and doc["crypto"]["kdf"] == "scrypt"
        assert decode_keyfile_json(doc, password.encode()) == key
        assert gp4u("keys", "address", str(path)).stdout.decode().strip() == out


def test_keys_new_defaults_to_standard_scrypt(gp4u, workdir):
    pw = write_password(workdir, "correct horse")
    path = workdir / "new.json"
    address = gp4u("keys", "new", "--out", str(path), "--password-file", pw).stdout.decode().strip()
    doc = json.loads(path.read_text())
    assert doc["crypto"]["kdfparams"]["n"] == 2**18
    key = decode_keyfile_json(doc, b"correct horse")
    assert Account.from_key(key).address == address
    # fresh salt and IV every time
    other = workdir / "new2.json"
    gp4u("keys", "new", "--out", str(other), "--password-file", pw, "--scrypt-n", "16")
    doc2 = json.loads(other.read_text())
    assert doc2["crypto"]["kdfparams"]["salt"] != doc["crypto"]["kdfparams"]["salt"]
    assert doc2["crypto"]["cipherparams"]["iv"] != doc["crypto"]["cipherparams"]["iv"]
