"""Sealing ballots for the mixing pool (``PooledBallot``): encryption and the voter's tag.

The keys are derived from ``settings.SECRET_KEY``, which lives in the environment and never in
the database, so no dump can open a pooled ballot or tell whose it is. ``SECRET_KEY_FALLBACKS``
are tried too, so a key rotation during voting loses nothing (the old key must stay a fallback
until every pool is empty)."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE = 12


def _derive(secret: str, purpose: bytes) -> bytes:
    return hmac.new(secret.encode(), b"cxzy ballot pool v1 " + purpose, hashlib.sha256).digest()


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def tags(evaluation_id: int, person_id: int) -> list[bytes]:
    """The tags of ``person`` in ``evaluation`` under the current key and every fallback (the
    first is the one to store). Without the key a tag names nobody, and the same person has
    unrelated tags in two evaluations."""
    message = f"{evaluation_id}:{person_id}".encode()
    return [hmac.new(_derive(s, b"tag"), message, hashlib.sha256).digest() for s in _secrets()]


def seal(bound_to, plaintext: bytes, size: int) -> bytes:
    """Encrypt ``plaintext`` padded with zeros to exactly ``size`` bytes (every ballot of an
    evaluation the same length, whatever its comments), bound to ``bound_to``: an evaluation's
    id, or ``"appraisal:<id>"`` for the democratic appraisal's pool."""
    if len(plaintext) + 4 > size:
        raise ValueError("ballot larger than its sealed size")
    padded = struct.pack(">I", len(plaintext)) + plaintext
    padded += bytes(size - len(padded))
    nonce = os.urandom(NONCE)
    key = _derive(settings.SECRET_KEY, b"seal")
    return nonce + AESGCM(key).encrypt(nonce, padded, str(bound_to).encode())


def unseal(bound_to, sealed: bytes) -> bytes:
    sealed = bytes(sealed)
    nonce, body = sealed[:NONCE], sealed[NONCE:]
    for secret in _secrets():
        try:
            padded = AESGCM(_derive(secret, b"seal")).decrypt(nonce, body, str(bound_to).encode())
        except InvalidTag:
            continue
        (length,) = struct.unpack(">I", padded[:4])
        return padded[4 : 4 + length]
    raise ValueError("a pooled ballot opens with no known key")
