"""Stored records: ciphertext only, moved ciphertexts and wrong keys fail clearly, search by
blind index, rotation (interrupted and resumed) and erasure."""

from __future__ import annotations

import pytest

from vaultdoor.vault.envelope import DecryptionError
from vaultdoor.vault.keys import VaultKeyError, reset_keys
from vaultdoor.vault.models import Customer, RotationRun
from vaultdoor.vault.services.records import (
    CustomerErased,
    CustomerInvalid,
    create_customer,
    decrypt_customer,
)
from vaultdoor.vault.services.rotation import RotationInterrupted, rotate_keys, rotation_status
from vaultdoor.vault.services.search import search_customers

from .conftest import CANARY, add_kek, canary_data, write_key

pytestmark = pytest.mark.django_db


def test_stored_and_read_back(customer):
    row = Customer.objects.get(pk=customer.pk)
    plain = decrypt_customer(row)
    assert plain["name"] == CANARY["name"]
    assert plain["phones"] == '["+447911123456", "+442079460813"]'
    assert plain["card_number"] == "4929123456789015"
    for name in ("name_ct", "email_ct", "card_number_ct", "notes_ct"):
        blob = bytes(getattr(row, name))
        assert CANARY["name"].encode() not in blob and b"4929" not in blob


def test_invalid_customer_is_refused_with_every_problem(queue):
    with pytest.raises(CustomerInvalid) as caught:
        create_customer(queue, canary_data(name="", email="nope", card_number="4111111111111112",
                                           phones=["12"]))
    fields = [f for f, _ in caught.value.errors]
    assert fields == ["name", "phones", "email", "card_number"]
    assert "4111" not in str(caught.value)  # errors never repeat a value
    assert not Customer.objects.exists()


def test_ciphertext_moved_between_rows_or_fields_fails(queue, customer):
    other = create_customer(queue, canary_data(name="Other Person"))
    Customer.objects.filter(pk=other.pk).update(name_ct=customer.name_ct)
    with pytest.raises(DecryptionError, match=rf"customer {other.pk} field 'name'"):
        decrypt_customer(Customer.objects.get(pk=other.pk), ["name"])
    Customer.objects.filter(pk=customer.pk).update(notes_ct=customer.email_ct)
    with pytest.raises(DecryptionError, match=r"field 'notes'.*moved"):
        decrypt_customer(Customer.objects.get(pk=customer.pk), ["notes"])
    # a whole wrapped key copied across rows fails too
    Customer.objects.filter(pk=other.pk).update(wrapped_key=customer.wrapped_key)
    with pytest.raises(DecryptionError, match="does not unwrap under vault key version 1"):
        decrypt_customer(Customer.objects.get(pk=other.pk))


def test_wrong_or_missing_key_names_the_version(customer, monkeypatch, tmp_path):
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"1={write_key(tmp_path / 'bad', 77)}")
    reset_keys()
    with pytest.raises(DecryptionError, match="vault key version 1"):
        decrypt_customer(Customer.objects.get(pk=customer.pk))
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"2={write_key(tmp_path / 'k2', 2)}")
    reset_keys()
    with pytest.raises(VaultKeyError, match="version 1 is not loaded"):
        decrypt_customer(Customer.objects.get(pk=customer.pk))
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"1=file:{tmp_path / 'absent'}")
    reset_keys()
    with pytest.raises(VaultKeyError, match=r"vault key version 1: .*cannot read"):
        decrypt_customer(Customer.objects.get(pk=customer.pk))
    (tmp_path / "short").write_bytes(b"abc")
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"1=file:{tmp_path / 'short'}")
    reset_keys()
    with pytest.raises(VaultKeyError, match="vault key version 1: expected 32 bytes"):
        decrypt_customer(Customer.objects.get(pk=customer.pk))


def test_search_by_blind_index(make_user, queue, other_queue, customer):
    agent = make_user("agent", queues=[queue])
    outsider = make_user("agent", queues=[other_queue])
    for kind, typed in [("phone", "+44 7911 123456"), ("phone", "020 7946 0813"),
                        ("email", "ZEBEDEE.canary-7f3a@example.org"),
                        ("account", "8844-2211"), ("card", "4929123456789015")]:
        assert list(search_customers(agent, kind, typed)) == [customer], (kind, typed)
        assert not search_customers(outsider, kind, typed).exists()
    assert not search_customers(agent, "phone", "07911 123457").exists()
    assert not search_customers(agent, "phone", "garbage").exists()


def test_rotation_interrupted_then_resumed_with_reads_throughout(queue, monkeypatch, tmp_path):
    rows = [create_customer(queue, canary_data(name=f"Customer {i}")) for i in range(7)]
    add_kek(monkeypatch, tmp_path, 2)  # operator adds KEK 2; both are loaded
    assert rotation_status() == {1: 7}
    with pytest.raises(RotationInterrupted, match="stopped after 3 records"):
        rotate_keys(batch_size=2, stop_after=3)
    assert rotation_status() == {1: 4, 2: 3}
    # reads work in the middle of the rotation (both versions loaded)
    assert sorted(decrypt_customer(r, ["name"])["name"]
                  for r in Customer.objects.all()) == sorted(f"Customer {i}" for i in range(7))
    run = RotationRun.objects.get()
    assert run.rewrapped == 3 and run.finished is None
    # a record created during the rotation is already under the newest key
    create_customer(queue, canary_data(name="Late arrival"))
    result = rotate_keys(batch_size=2)
    assert result.resumed and result.rewrapped_now == 4 and result.rewrapped_total == 7
    assert rotation_status() == {2: 8}
    assert RotationRun.objects.get().finished is not None
    # KEK 1 can now be retired: every record reads with KEK 2 alone
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"2=file:{tmp_path / 'kek2'}")
    reset_keys()
    for row in Customer.objects.all():
        assert decrypt_customer(row, ["name"])["name"]
    assert {r.pk for r in rows} <= set(Customer.objects.values_list("pk", flat=True))
    # nothing left: a second run is a no-op
    assert rotate_keys().rewrapped_now == 0


def test_erased_customer_cannot_be_read(make_user, queue, customer):
    from vaultdoor.vault.services.erasure import erase_customer

    supervisor = make_user("supervisor", supervises=[queue])
    erase_customer(supervisor, customer, reason="GDPR request 2026-114")
    row = Customer.objects.get(pk=customer.pk)
    assert row.erased and row.wrapped_key is None and row.name_ct is None
    with pytest.raises(CustomerErased):
        decrypt_customer(row)
    assert not search_customers(supervisor, "phone", "07911 123456").exists()
    with pytest.raises(CustomerErased):
        erase_customer(supervisor, row, reason="again please")


def test_backup_copy_is_unreadable_once_its_kek_is_retired(make_user, queue, customer,
                                                           monkeypatch, tmp_path):
    """Crypto-shredding reaches backups: erase, rotate, retire the old KEK; a copy of the row
    taken before the erasure (a backup) no longer decrypts."""
    from vaultdoor.vault.services.erasure import erase_customer

    backup = Customer.objects.get(pk=customer.pk)  # as a backup holds it
    assert decrypt_customer(backup, ["name"])["name"] == CANARY["name"]
    erase_customer(make_user("supervisor", supervises=[queue]), customer, reason="erasure 77")
    add_kek(monkeypatch, tmp_path, 2)
    rotate_keys()
    monkeypatch.setenv("VAULTDOOR_VAULT_KEYS", f"2=file:{tmp_path / 'kek2'}")
    reset_keys()  # KEK 1 retired (removed and destroyed)
    with pytest.raises(VaultKeyError, match="version 1 is not loaded"):
        decrypt_customer(backup)
