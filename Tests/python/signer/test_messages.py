"""personal_sign: random messages signed by eth-account and by `gp4u keys sign-message`
are byte-identical, and each side recovers the other's signatures."""
import json
import random

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keyfile import create_keyfile_json

from conftest import write_password

SEED = 4361
COUNT = 150


def random_message(rng):
    kind = rng.random()
    if kind < 0.4:
        return "".join(rng.choice("abcXYZ 019\n\t♥éü🔑") for _ in range(rng.randint(0, 120))).encode()
    if kind < 0.5:
        return b"x" * rng.choice([9, 10, 99, 100, 1000])
    return rng.randbytes(rng.randint(0, 300))


def test_personal_sign_cross_check(gp4u, workdir):
    rng = random.Random(SEED)
    key = rng.randbytes(32)
    keystore = workdir / "key.json"
    keystore.write_text(json.dumps(create_keyfile_json(key, b"secret", kdf="pbkdf2", iterations=2)))
    pw = write_password(workdir, "secret")
    messages = [random_message(rng) for _ in range(COUNT)]
    stdin = "\n".join("0x" + m.hex() for m in messages).encode()
    ours = gp4u("keys", "sign-message", "--keystore", str(keystore), "--password-file", pw, "--lines", stdin=stdin)
    sigs = ours.stdout.decode().split()
    assert len(sigs) == COUNT
    address = Account.from_key(key).address
    for message, sig in zip(messages, sigs):
        expected = Account.sign_message(encode_defunct(primitive=message), key)
        assert sig == "0x" + expected.signature.hex()
        assert Account.recover_message(encode_defunct(primitive=message), signature=sig) == address


def test_recover_eth_account_signatures(gp4u):
    rng = random.Random(SEED + 1)
    keys = [rng.randbytes(32) for _ in range(COUNT)]
    messages = [random_message(rng) for _ in keys]
    lines = []
    for key, message in zip(keys, messages):
        sig = Account.sign_message(encode_defunct(primitive=message), key).signature
        if rng.random() < 0.3:  # some libraries send v as 0/1
            sig = sig[:64] + bytes([sig[64] - 27])
        lines.append(f"0x{message.hex()} 0x{sig.hex()}")
    out = gp4u("keys", "recover-message", "--lines", stdin="\n".join(lines).encode()).stdout.decode().split()
    assert out == [Account.from_key(k).address for k in keys]
