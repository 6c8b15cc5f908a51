"""`/api/v1/customers/`: masked list and search within the caller's queues, reveal with its
conditions (403 with a code per missing one), export and erase; nothing for other roles."""

from __future__ import annotations

import time

import pytest

from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT

pytestmark = pytest.mark.django_db
REASON = "customer asked about a payment"
CANARY_EMAIL = "zebedee.canary-7f3a@example.org"


def _login(client, user, *, stepped_up=True):
    client.force_login(user)
    if stepped_up:
        session = client.session
        session[SESSION_SECOND_FACTOR_AT] = time.time()
        session.save()
    return client


def test_masked_list_and_search(client, make_user, queue, other_queue, customer):
    agent = make_user("agent", queues=[queue])
    _login(client, agent)
    body = client.get("/api/v1/customers/").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == str(customer.pk) and row["fields"]["card_number"] == "••••9015"
    assert "Zebedee" not in str(body)

    def search(**terms):
        answer = client.post("/api/v1/customers/search", terms, content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert answer["Cache-Control"] == "no-store"
        return answer.json()

    found = search(phone="+44 7911 123456")
    assert found["count"] == 1 and found["results"][0]["id"] == str(customer.pk)
    assert search(phone="07911 000000")["count"] == 0
    assert search(card="4929123456789015")["count"] == 1
    assert search(card="4929123456789015", email="someone-else@example.org")["count"] == 0
    assert client.post("/api/v1/customers/search", {},
                       content_type="application/json").status_code == 400
    # a search term in the address is refused: it would be in the access log
    refused = client.get("/api/v1/customers/", {"phone": "+44 7911 123456"})
    assert refused.status_code == 400 and refused.json()["code"] == "search_in_url"
    detail = client.get(f"/api/v1/customers/{customer.pk}")
    assert detail.status_code == 200 and detail.json()["fields"]["name"] == "Z••• C•••"
    assert client.get("/api/v1/customers/not-a-uuid").status_code == 404
    # an agent of another queue does not even learn the customer exists
    _login(client, make_user("agent", queues=[other_queue]))
    assert client.get("/api/v1/customers/").json()["count"] == 0
    assert client.get(f"/api/v1/customers/{customer.pk}").status_code == 404


def test_reveal_and_refusals(client, make_user, queue, customer):
    agent = make_user("agent", queues=[queue])
    url = f"/api/v1/customers/{customer.pk}/reveal"
    _login(client, agent, stepped_up=False)
    answer = client.post(url, {"field": "email", "reason": REASON},
                         content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "step_up_required"
    _login(client, agent)
    answer = client.post(url, {"field": "email", "reason": "x"}, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "reason_required"
    answer = client.post(url, {"field": "email", "reason": REASON},
                         content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["value"] == "zebedee.canary-7f3a@example.org"
    assert answer["Cache-Control"] == "no-store"
    assert client.post(url, {"field": "nope", "reason": REASON},
                       content_type="application/json").status_code == 400
    _login(client, make_user("agent", cleared=False, queues=[queue]))
    answer = client.post(url, {"field": "email", "reason": REASON},
                         content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "vetting_required"


def test_export_and_erase(client, make_user, queue, customer):
    supervisor = make_user("supervisor", supervises=[queue])
    _login(client, supervisor)
    export = client.post(f"/api/v1/customers/{customer.pk}/export", {"reason": REASON},
                         content_type="application/json")
    assert export.status_code == 200 and export.json()["fields"]["account_number"] == "88442211"
    assert client.post(f"/api/v1/customers/{customer.pk}/erase", {"reason": "erasure req 9"},
                       content_type="application/json").status_code == 204
    assert client.post(f"/api/v1/customers/{customer.pk}/export", {"reason": REASON},
                       content_type="application/json").status_code == 410
    assert client.get(f"/api/v1/customers/{customer.pk}").json()["erased"] is True


@pytest.mark.parametrize("role", ["facilities", "hr_vetting", "it", None])
def test_roles_without_the_vault_get_nothing(client, make_user, django_user_model, queue,
                                             customer, role):
    user = make_user(role) if role else django_user_model.objects.create_user("plain")
    _login(client, user)
    assert client.get("/api/v1/customers/").status_code == 403
    assert client.post(f"/api/v1/customers/{customer.pk}/reveal",
                       {"field": "name", "reason": REASON},
                       content_type="application/json").status_code == 403


def test_anonymous_gets_nothing(client, customer):
    assert client.get("/api/v1/customers/").status_code in (401, 403)
    assert client.post(f"/api/v1/customers/{customer.pk}/reveal", {"field": "name"},
                       content_type="application/json").status_code in (401, 403)


def test_the_openapi_schema_describes_the_vault_as_it_answers(client, make_user, queue,
                                                              customer):
    """The five endpoints are in /api/v1/schema/, and real answers carry exactly the
    properties the schema names (list page, reveal, export, refusal)."""
    from django.urls import reverse

    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"/api/v1/customers/", "/api/v1/customers/search", "/api/v1/customers/{id}",
            "/api/v1/customers/{id}/reveal",
            "/api/v1/customers/{id}/export", "/api/v1/customers/{id}/erase"} <= set(paths)
    components = schema["components"]["schemas"]

    def props(name):
        return set(components[name]["properties"])

    def ref(path, method, status):
        body = paths[path][method]["responses"][str(status)]["content"]["application/json"]
        return body["schema"]["$ref"].rsplit("/", 1)[-1]

    listing = paths["/api/v1/customers/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"limit", "offset"}
    searching = paths["/api/v1/customers/search"]["post"]
    body = searching["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert props(body.rsplit("/", 1)[-1]) == {"phone", "email", "account", "card"}
    for status in (403, 404):
        assert ref("/api/v1/customers/{id}/reveal", "post", status) == "Refusal"
    assert ref("/api/v1/customers/{id}/export", "post", 410) == "Refusal"

    supervisor = make_user("supervisor", supervises=[queue])
    _login(client, supervisor)
    page = client.get("/api/v1/customers/").json()
    assert set(page) == props(ref("/api/v1/customers/", "get", 200))
    assert set(page["results"][0]) == props("MaskedCustomer")
    found = client.post("/api/v1/customers/search", {"email": CANARY_EMAIL},
                        content_type="application/json").json()
    assert set(found) == props(ref("/api/v1/customers/search", "post", 200))
    revealed = client.post(f"/api/v1/customers/{customer.pk}/reveal",
                           {"field": "email", "reason": REASON},
                           content_type="application/json").json()
    assert set(revealed) == props(ref("/api/v1/customers/{id}/reveal", "post", 200))
    export = client.post(f"/api/v1/customers/{customer.pk}/export", {"reason": REASON},
                         content_type="application/json").json()
    assert set(export) == props(ref("/api/v1/customers/{id}/export", "post", 200))
    assert set(export["fields"]) == props("ExportFields")
    refusal = client.post(f"/api/v1/customers/{customer.pk}/reveal",
                          {"field": "email", "reason": "short"},
                          content_type="application/json").json()
    assert set(refusal) == props("Refusal")
    from vaultdoor.vault.api.serializers import REFUSAL_CODES

    assert refusal["code"] == "reason_required" and refusal["code"] in REFUSAL_CODES
