"""Random transactions signed by eth-account and by `gp4u tx sign` must be byte-identical,
and `gp4u tx decode` must recover the same sender and hash."""
import json
import random

import pytest
from eth_account import Account
from eth_keyfile import create_keyfile_json
from eth_utils import to_checksum_address

from conftest import write_password

SEED = 20261127
KEYS = 4
PER_KEY = 60  # 240 transactions in total


def random_tx(rng):
    tx_type = rng.choice(["2", "0"])
    to = None if rng.random() < 0.1 else "0x" + rng.randbytes(20).hex()
    big = lambda bits: rng.getrandbits(rng.randint(0, bits))
    tx = {
        "type": tx_type,
        "chain_id": str(rng.choice([1, 137, 11155111, 80002, rng.randint(1, 2**53 - 1)])),
        "nonce": str(big(63)),
        "gas_limit": str(rng.randint(21000, 2**32)),
        "to": to,
        "value": str(big(256)),
        "data": "0x" + rng.randbytes(rng.choice([0, 1, 4, 36, 68, 200])).hex(),
    }
    if tx_type == "2":
        max_fee = big(128)
        tx["max_fee_per_gas"] = str(max_fee)
        tx["max_priority_fee_per_gas"] = str(rng.randint(0, max_fee))
    else:
        tx["gas_price"] = str(big(128))
    return tx


def eth_account_dict(tx):
    d = {
        "chainId": int(tx["chain_id"]),
        "nonce": int(tx["nonce"]),
        "gas": int(tx["gas_limit"]),
        "value": int(tx["value"]),
        "data": tx["data"],
    }
    if tx["to"] is not None:
        d["to"] = to_checksum_address(tx["to"])
    if tx["type"] == "2":
        d["type"] = 2
        d["maxFeePerGas"] = int(tx["max_fee_per_gas"])
        d["maxPriorityFeePerGas"] = int(tx["max_priority_fee_per_gas"])
    else:
        d["gasPrice"] = int(tx["gas_price"])
    return d


@pytest.fixture(scope="module")
def signed_batches(gp4u, tmp_path_factory):
    rng = random.Random(SEED)
    directory = tmp_path_factory.mktemp("tx")
    batches = []
    for k in range(KEYS):
        key = rng.randbytes(32)
        password = f"pw-{k}-ü"
        keystore = directory / f"key{k}.json"
        keystore.write_text(json.dumps(create_keyfile_json(key, password.encode(), kdf="scrypt", iterations=16)))
        pw_file = write_password(directory, password, f"pw{k}.txt")
        txs = [random_tx(rng) for _ in range(PER_KEY)]
        stdin = "\n".join(json.dumps(t) for t in txs).encode()
        ours = gp4u("tx", "sign", "--keystore", str(keystore), "--password-file", pw_file, "--lines", stdin=stdin)
        raws = ours.stdout.decode().split()
        assert len(raws) == len(txs)
        batches.append((key, txs, raws))
    return batches


def test_signed_transactions_are_byte_identical(signed_batches):
    count = 0
    for key, txs, raws in signed_batches:
        for tx, raw in zip(txs, raws):
            expected = Account.sign_transaction(eth_account_dict(tx), key)
            assert raw == "0x" + expected.raw_transaction.hex(), tx
            count += 1
    assert count == KEYS * PER_KEY


def test_decode_recovers_sender_and_hash(gp4u, signed_batches):
    for key, txs, raws in signed_batches:
        sender = Account.from_key(key).address
        decoded = gp4u("tx", "decode", "-", stdin="\n".join(raws).encode()).stdout.decode().splitlines()
        assert len(decoded) == len(txs)
        for tx, raw, line in zip(txs, raws, decoded):
            d = json.loads(line)
            assert d["from"] == sender
            assert d["hash"] == "0x" + Account.sign_transaction(eth_account_dict(tx), key).hash.hex()
            for field in tx:
                want = tx[field].lower() if isinstance(tx[field], str) else tx[field]
                assert d[field] == want, field


def test_decode_of_eth_account_signatures(gp4u):
    """Transactions signed only by eth-account decode to the right sender."""
    rng = random.Random(SEED + 1)
    keys = [rng.randbytes(32) for _ in range(40)]
    txs = [random_tx(rng) for _ in keys]
    raws = ["0x" + Account.sign_transaction(eth_account_dict(t), k).raw_transaction.hex() for t, k in zip(txs, keys)]
    out = gp4u("tx", "decode", "-", stdin="\n".join(raws).encode()).stdout.decode().splitlines()
    for key, line in zip(keys, out):
        assert json.loads(line)["from"] == Account.from_key(key).address
