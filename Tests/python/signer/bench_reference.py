"""Reference figures for `bench crypto`: the same measurements with pycryptodome's keccak,
coincurve (libsecp256k1) and eth-keyfile, printed as one JSON object."""
import argparse
import json
import time

import coincurve
import eth_keyfile
from Crypto.Hash import keccak


def rate(body, seconds, per_call=1):
    for _ in range(10):
        body()
    calls, batch, start = 0, 1, time.perf_counter()
    while True:
        for _ in range(batch):
            body()
        calls += batch
        batch = min(batch * 2, 4096)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return calls * per_call / elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    args = ap.parse_args()

    small, large = b"a" * 64, b"a" * (1 << 20)
    k64 = rate(lambda: keccak.new(digest_bits=256, data=small).digest(), args.seconds, 64)
    k1m = rate(lambda: keccak.new(digest_bits=256, data=large).digest(), args.seconds, len(large))

    key = coincurve.PrivateKey()
    digest = keccak.new(digest_bits=256, data=b"\x01\x02\x03").digest()

    def sign_recover():
        sig = key.sign_recoverable(digest, hasher=None)
        coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)

    sr = rate(sign_recover, args.seconds)

    password = b"correct horse battery staple"
    keyfile = eth_keyfile.create_keyfile_json(key.secret, password, kdf="scrypt", iterations=1 << 18)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        eth_keyfile.decode_keyfile_json(keyfile, password)
        best = min(best, time.perf_counter() - t0)

    print(json.dumps({
        "keccak_64_mbps": k64 / 1e6,
        "keccak_1mib_mbps": k1m / 1e6,
        "sign_recover_per_s": sr,
        "scrypt_decrypt_s": best,
    }))


if __name__ == "__main__":
    main()
