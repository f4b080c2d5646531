"""AES-GCM encryption of personal data, with an HMAC blind index for exact-match look-ups."""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class FieldCipher:
    """Encrypts single values; the same master key yields separate keys per purpose."""

    def __init__(self, master_key: bytes) -> None:
        self._aead = AESGCM(_derive(master_key, b"fangfei/aes-gcm/v1"))
        self._index_key = _derive(master_key, b"fangfei/blind-index/v1")
        self.fingerprint = hashlib.sha256(
            _derive(master_key, b"fangfei/fingerprint/v1")
        ).hexdigest()[:16]

    def encrypt(self, plaintext: str) -> bytes:
        """Nonce followed by ciphertext and tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), None)

    def decrypt(self, token: bytes) -> str:
        """The plaintext of a value made by :meth:`encrypt`."""
        return self._aead.decrypt(token[:NONCE_BYTES], token[NONCE_BYTES:], None).decode("utf-8")

    def blind_index(self, normalized: str) -> str:
        """A keyed hash of an already normalised value: equal inputs give equal indexes."""
        return hmac.new(self._index_key, normalized.encode("utf-8"), hashlib.sha256).hexdigest()
