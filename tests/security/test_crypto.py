"""Field encryption and the blind index."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from fangfei.security.crypto import FieldCipher

KEY = os.urandom(32)


@given(st.text(max_size=200))
def test_round_trip(value: str) -> None:
    cipher = FieldCipher(KEY)
    assert cipher.decrypt(cipher.encrypt(value)) == value


def test_same_value_encrypts_differently_but_indexes_the_same() -> None:
    cipher = FieldCipher(KEY)
    a, b = cipher.encrypt("110101199003070011"), cipher.encrypt("110101199003070011")
    assert a != b
    assert cipher.blind_index("110101199003070011") == cipher.blind_index("110101199003070011")
    assert cipher.blind_index("110101199003070011") != cipher.blind_index("110101199003070012")


def test_other_key_cannot_read_or_match() -> None:
    mine, theirs = FieldCipher(KEY), FieldCipher(os.urandom(32))
    token = mine.encrypt("机密")
    with pytest.raises(InvalidTag):
        theirs.decrypt(token)
    assert mine.blind_index("x") != theirs.blind_index("x")
    assert mine.fingerprint != theirs.fingerprint


def test_tampered_ciphertext_is_refused() -> None:
    cipher = FieldCipher(KEY)
    token = bytearray(cipher.encrypt("110101199003070011"))
    token[-1] ^= 1
    with pytest.raises(InvalidTag):
        cipher.decrypt(bytes(token))


def test_fingerprint_is_stable_for_a_key() -> None:
    assert (
        FieldCipher(KEY).fingerprint
        == FieldCipher(base64.b64decode(base64.b64encode(KEY))).fingerprint
    )
