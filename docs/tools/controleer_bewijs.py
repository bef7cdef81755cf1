#!/usr/bin/env python3
"""Checks a Grondslag proof file (one audit entry) with nothing but Python and SHA-256: the leaf
hash SHA-256(0x00 || leaf) and the RFC 9162 / RFC 6962 inclusion proof against the root of the
signed checkpoint. It does NOT check the Ed25519 signature of the checkpoint: do that with
`grondslag audit controleer-bewijs --sleutel KEY FILE` or any note verifier (docs/audit.md section 13).

Usage: python3 controleer_bewijs.py auditregel-N.json"""
import base64, hashlib, json, sys

def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()

def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()

def root_from_inclusion(index: int, size: int, leaf: bytes, path: list) -> bytes:
    # RFC 9162 section 2.1.3.2
    if index >= size:
        raise ValueError("index buiten de boom")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ValueError("bewijs te lang")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("bewijs te kort")
    return r

f = json.load(open(sys.argv[1]))
note = f["controlepunt"]
text = note.split("\n\n")[0].split("\n")
size, root = int(text[1]), base64.b64decode(text[2])
lh = leaf_hash(f["blad"].encode("utf-8"))
assert base64.b64encode(lh).decode() == f["bladhash"], "bladhash klopt niet"
path = [base64.b64decode(h) for h in f["bewijs"]]
assert root_from_inclusion(f["volgnummer"], size, lh, path) == root, "inclusiebewijs klopt niet"
print("klopt: regel", f["volgnummer"], "zit in het logboek van grootte", size)
