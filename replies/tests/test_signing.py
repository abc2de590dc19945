import pytest
from cryptography.hazmat.primitives import serialization
from django.db import connection

from proposals.tests.factories import UnitFactory
from replies import signing
from replies.models import UnitSigningKey

pytestmark = pytest.mark.django_db


def _raw_private(key: UnitSigningKey) -> bytes:
    return signing.decrypt_private_key(key).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def test_it_signs_and_verifies():
    key = signing.unit_signing_key_create(unit=UnitFactory())
    signature = signing.sign(key, b"record")
    assert signing.verify(key.public_key, signature, b"record")
    assert not signing.verify(key.public_key, signature, b"recorD")
    other = signing.unit_signing_key_create(unit=UnitFactory())
    assert not signing.verify(other.public_key, signature, b"record")


def test_the_private_key_is_not_stored_in_plain_text():
    key = signing.unit_signing_key_create(unit=UnitFactory())
    raw = _raw_private(key)
    assert len(raw) == 32
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT encrypted_private_key, public_key FROM replies_unitsigningkey WHERE id = %s",
            [key.pk],
        )
        stored_private, stored_public = (bytes(v) for v in cursor.fetchone())
    assert raw not in stored_private and raw not in stored_public
    assert raw.hex().encode() not in stored_private
    # The history table does not copy the encrypted key at all.
    history_columns = [f.name for f in UnitSigningKey.history.model._meta.fields]
    assert "encrypted_private_key" not in history_columns


def test_it_needs_the_secret_to_use_the_key(settings):
    key = signing.unit_signing_key_create(unit=UnitFactory())
    settings.SIGNING_KEY_SECRET = "another-secret"
    with pytest.raises(signing.SigningError):
        signing.sign(key, b"x")


def test_an_encrypted_key_moved_to_another_unit_does_not_decrypt():
    key_a = signing.unit_signing_key_create(unit=UnitFactory())
    unit_b = UnitFactory()
    key_a.unit = unit_b
    with pytest.raises(signing.SigningError):
        signing.decrypt_private_key(key_a)


def test_the_record_is_canonical_json():
    record = signing.signature_record(
        unit_id=1, unit_name="连云港市市场监督管理局", doc_number="连市监办复〔2025〕86号",
        doc_year=2025, doc_seq=86, signed_on="2025-06-20", sha256="ab" * 32, key_fingerprint="f",
    )
    data = signing.canonical(record)
    assert data.decode().startswith('{"date":"2025-06-20","doc_number":"连市监办复〔2025〕86号"')
    assert signing.canonical(dict(reversed(list(record.items())))) == data
