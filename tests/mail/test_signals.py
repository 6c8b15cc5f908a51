"""Each signal with a message that should trigger it and a near miss that should not."""

from __future__ import annotations

import io
import zipfile

from vaultdoor.mail.analysis import MemoryCorrespondence

from .conftest import ORG, authres, build, names


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# unknown_sender --------------------------------------------------------------------------

def test_unknown_sender_adds_weight_but_never_flags_alone(scan):
    store = MemoryCorrespondence({"someone@elsewhere.example"})
    report = scan(build(), correspondence=store)
    assert "unknown_sender" in names(report)
    assert report.verdict == "clean"


def test_known_sender_and_fresh_installation_are_not_unknown(scan):
    known = MemoryCorrespondence({"harper-utilities.example"})
    assert "unknown_sender" not in names(scan(build(), correspondence=known))
    # An empty store has no history: it must not call every sender unknown.
    assert "unknown_sender" not in names(scan(build(), correspondence=MemoryCorrespondence()))


def test_unknown_sender_adds_to_other_signals(scan):
    raw = build(html='<a href="https://is.gd/abc">Claim</a>', text=None)
    alone = scan(raw)
    with_unknown = scan(raw, correspondence=MemoryCorrespondence({"x@y.example"}))
    assert with_unknown.score > alone.score


# malformed_sender ------------------------------------------------------------------------

def _raw_from(*values: str) -> bytes:
    """A message with exactly these From headers (EmailMessage would refuse the bad ones)."""
    head = "".join(f"From: {value}\r\n" for value in values)
    return (f"{head}To: nadia@{ORG}\r\nSubject: Call volumes\r\n\r\n"
            "Numbers for October.\r\n").encode()


def test_missing_or_doubled_from_adds_weight_but_does_not_flag_alone(scan):
    for raw, detail in ((_raw_from(), "no From header"),
                        (_raw_from("owen@harper-utilities.example",
                                   "PayPal <service@paypal.example>"), "2 From headers")):
        report = scan(raw)
        found = [f for f in report.signals if f.name == "malformed_sender"]
        assert [f.detail for f in found] == [detail]
        assert report.verdict == "clean"


def test_unparseable_from_is_still_checked_by_its_display_name(scan):
    # policy.default raises on this value; it used to read as "no sender", which skipped
    # every sender check: a way around the display-name check.
    for value in ("PayPal Security <alerts@[pp-alerts.example>",
                  "=?utf-8?q?PayPal_Security?= <alerts@[pp-alerts.example>"):
        report = scan(_raw_from(value))
        assert {"malformed_sender", "display_name_impersonation"} <= names(report), value
        assert report.verdict != "clean"


def test_ordinary_from_headers_are_not_malformed(scan):
    for value in ("owen@harper-utilities.example", '"Pryce, Owen" <owen@harper-utilities.example>',
                  "Owen (accounts) <owen@harper-utilities.example>",
                  "=?utf-8?q?Owen_Pr=C3=BDce?= <owen@harper-utilities.example>"):
        assert "malformed_sender" not in names(scan(_raw_from(value))), value


# display_name_impersonation --------------------------------------------------------------

def test_display_name_with_an_own_domain_address(scan):
    report = scan(build(sender=f'"ceo@{ORG}" <boss.ceo@freemail.example>'))
    assert "display_name_impersonation" in names(report)
    assert report.verdict != "clean"


def test_display_name_naming_a_brand_from_elsewhere(scan):
    report = scan(build(sender="PayPal Security <alerts@pp-alerts.example>"))
    assert "display_name_impersonation" in names(report)


def test_display_name_of_staff_from_outside(scan):
    report = scan(build(sender="Nadia Farouk <nadia.f@freemail.example>"),
                  staff_names=["Nadia Farouk"])
    assert "display_name_impersonation" in names(report)


def test_display_name_matching_its_own_address_is_fine(scan):
    assert "display_name_impersonation" not in names(scan(build()))
    assert "display_name_impersonation" not in names(
        scan(build(sender="PayPal <service@paypal.com>"))
    )
    assert "display_name_impersonation" not in names(
        scan(build(sender='"owen@harper-utilities.example" <owen@harper-utilities.example>'))
    )


# reply_to_mismatch -----------------------------------------------------------------------

def test_reply_to_elsewhere(scan):
    report = scan(build(headers={"Reply-To": "payments@other-place.example"}))
    assert "reply_to_mismatch" in names(report)


def test_reply_to_same_domain_or_list_mail(scan):
    same = build(headers={"Reply-To": "team@mail.harper-utilities.example"})
    assert "reply_to_mismatch" not in names(scan(same))
    listed = build(headers={"Reply-To": "list@lists.example", "List-Id": "<ops.lists.example>"})
    assert "reply_to_mismatch" not in names(scan(listed))


# authentication_failure ------------------------------------------------------------------

def test_own_domain_failing_dmarc_weighs_heavily(scan):
    raw = build(sender=f"Helpdesk <helpdesk@{ORG}>",
                headers=authres(spf="fail", dkim="none", dmarc="fail", domain=ORG))
    report = scan(raw)
    finding = next(f for f in report.signals if f.name == "authentication_failure")
    assert finding.weight >= 0.75
    assert report.verdict == "phishing"


def test_passing_authentication_and_arc_explained_failure(scan):
    assert "authentication_failure" not in names(scan(build(headers=authres())))
    arc = authres(dmarc="fail", extra="; arc=pass")
    report = scan(build(headers=arc))
    assert report.verdict == "clean"


def test_only_the_own_mx_results_are_trusted(scan):
    raw = build(headers={
        "Authentication-Results": f"mx.{ORG}; spf=pass smtp.mailfrom=harper-utilities.example",
    })
    # A forged header further down claims a failure: it is not the organisation's MX.
    raw = raw.replace(b"Authentication-Results", b"Authentication-Results: evil.example; "
                      b"dmarc=fail header.from=harper-utilities.example\nAuthentication-Results", 1)
    assert "authentication_failure" not in names(scan(raw))


# webserver_sender ------------------------------------------------------------------------

def test_web_server_account_as_envelope_sender(scan):
    raw = build(headers={"Return-Path": "<www-data@vps-1.hosting.example>"})
    assert "webserver_sender" in names(scan(raw))


def test_ordinary_envelope_sender(scan):
    raw = build(headers={"Return-Path": "<bounce@harper-utilities.example>"})
    assert "webserver_sender" not in names(scan(raw))


# lookalike_domain ------------------------------------------------------------------------

def test_lookalike_sender_of_own_domain(scan):
    report = scan(build(sender="IT <it@lakesde-cs.example>"))
    assert "lookalike_domain" in names(report)
    assert report.verdict != "clean"


def test_lookalike_of_a_brand_by_confusable_digits(scan):
    report = scan(build(html='<a href="https://paypa1.com/x">Log in</a>', text=None))
    assert "lookalike_domain" in names(report)


def test_brand_in_front_of_another_domain(scan):
    report = scan(build(html='<a href="https://paypal.com.account-check.example/">x</a>',
                        text=None))
    assert "lookalike_domain" in names(report)


def test_real_domains_are_not_lookalikes(scan):
    raw = build(html=f'<a href="https://portal.{ORG}/x">portal</a>'
                     '<a href="https://www.paypal.com/">paypal</a>', text=None)
    assert "lookalike_domain" not in names(scan(raw))


# anchor_href_mismatch --------------------------------------------------------------------

def test_anchor_text_shows_another_site(scan):
    raw = build(html=f'<a href="https://timesheets.example/a">https://portal.{ORG}/t</a>',
                text=None)
    report = scan(raw)
    assert "anchor_href_mismatch" in names(report)
    assert report.links[0].reasons == ["anchor_href_mismatch"]


def test_anchor_through_a_single_target_wrapper_to_the_shown_site(scan):
    raw = build(html='<a href="https://wrap.example/r?u=https%3A%2F%2Fwww.cnn.com%2F">'
                     'www.cnn.com</a>', text=None)
    assert "anchor_href_mismatch" not in names(scan(raw))


def test_anchor_through_an_ambiguous_wrapper_fires(scan):
    raw = build(html='<a href="https://wrap.example/r?u=https%3A%2F%2Fwww.cnn.com%2F'
                     '&v=https%3A%2F%2Fevil.example%2F">www.cnn.com</a>', text=None)
    assert "anchor_href_mismatch" in names(scan(raw))


def test_anchor_with_plain_words_or_same_site(scan):
    raw = build(html='<a href="https://www.harper-utilities.example/x">Read more</a>'
                     '<a href="https://harper-utilities.example/y">www.harper-utilities.example</a>',
                text=None)
    assert "anchor_href_mismatch" not in names(scan(raw))


def test_esp_click_tracking_of_the_senders_own_site(scan):
    raw = build(
        sender="Shop <news@shop.example>",
        html='<a href="https://t1.esp-track.example/c/1/2">www.shop.example</a>', text=None,
        headers={"List-Unsubscribe": "<https://t1.esp-track.example/unsub/1>"},
    )
    assert "anchor_href_mismatch" not in names(scan(raw))


# homograph -------------------------------------------------------------------------------

def test_punycode_host_mixing_scripts(scan):
    raw = build(html='<a href="https://hr.xn--lakesid-cs-qsi.example/b">bonus</a>', text=None)
    report = scan(raw)
    assert "homograph" in names(report)
    assert "lookalike_domain" in names(report)


def test_single_script_idn_is_not_a_homograph(scan):
    raw = build(html='<a href="https://xn--80ak6aa92e.com/">site</a>', text=None)  # all Cyrillic
    assert "homograph" not in names(scan(raw))


# url_userinfo ----------------------------------------------------------------------------

def test_userinfo_that_looks_like_a_host(scan):
    raw = build(text=f"View: https://portal.{ORG}@fax-inbox.example/view")
    report = scan(raw)
    finding = next(f for f in report.signals if f.name == "url_userinfo")
    assert "fax-inbox.example" in finding.detail and finding.weight >= 0.75


def test_email_addresses_are_not_userinfo(scan):
    raw = build(text="Write to sales@harper-utilities.example",
                html='<a href="mailto:sales@harper-utilities.example">sales</a>'
                     '<a href="user.name@harper-utilities.example">quote</a>')
    assert "url_userinfo" not in names(scan(raw))


# dangerous_scheme ------------------------------------------------------------------------

def test_data_and_javascript_links(scan):
    raw = build(html='<a href="data:text/html;base64,PGZvcm0+">Open PDF</a>', text=None)
    assert "dangerous_scheme" in names(scan(raw))
    raw = build(html='<a href="javascript:alert(1)">Open</a>', text=None)
    assert "dangerous_scheme" in names(scan(raw))


def test_mailto_and_tel_are_harmless(scan):
    raw = build(html='<a href="mailto:a@b.example">a</a><a href="tel:+441234">call</a>', text=None)
    assert "dangerous_scheme" not in names(scan(raw))


# defanged_url ----------------------------------------------------------------------------

def test_defanged_link(scan):
    report = scan(build(text="Check hxxp://malicious-site[.]com/phish now"))
    assert "defanged_url" in names(report)
    assert report.links[0].host == "malicious-site.com"


def test_normal_link_is_not_defanged(scan):
    assert "defanged_url" not in names(scan(build(text="See http://harper-utilities.example/")))


# ip_literal_host -------------------------------------------------------------------------

def test_public_ip_literal_is_weak(scan):
    report = scan(build(text="http://203.0.113.10/verify"))
    assert "ip_literal_host" in names(report)
    assert report.verdict == "clean"  # weak on its own


def test_integer_ip_is_obfuscation(scan):
    report = scan(build(text="http://3405803786/login"))
    finding = next(f for f in report.signals if f.name == "ip_literal_host")
    assert "obfuscated" in finding.detail


def test_internal_ip_literal_is_not_flagged(scan):
    assert "ip_literal_host" not in names(scan(build(text="Graph: http://10.1.3.7:9090/graph")))


# url_shortener / redirector --------------------------------------------------------------

def test_shortener(scan):
    report = scan(build(html='<a href="https://bit.ly/3xyz">Claim</a>', text=None))
    assert "url_shortener" in names(report)


def test_not_a_shortener(scan):
    assert "url_shortener" not in names(scan(build(text="https://www.harper-utilities.example/")))


def test_redirector_is_reported_but_never_flags_alone(scan):
    report = scan(build(html='<a href="https://click.mlsend.com/link/c/abc">Read</a>', text=None))
    assert "redirector" in names(report)
    assert report.verdict == "clean"


def test_plain_link_is_no_redirector(scan):
    assert "redirector" not in names(scan(build(text="https://harper-utilities.example/a?b=c")))


# abused_tld ------------------------------------------------------------------------------

def test_freenom_tld(scan):
    report = scan(build(html='<a href="http://phishing.tk/page">Click Here</a>', text=None))
    assert "abused_tld" in names(report)
    assert report.verdict == "suspicious"


def test_ordinary_tld(scan):
    assert "abused_tld" not in names(scan(build(text="https://harper-utilities.co.uk/")))


# login_page_url --------------------------------------------------------------------------

def test_login_kit_on_a_hacked_wordpress(scan):
    raw = build(html='<a href="https://shop.example/wp-content/x/signin.php?a=1">Docs</a>',
                text=None)
    assert "login_page_url" in names(scan(raw))


def test_login_page_of_the_sender_itself(scan):
    raw = build(sender="Atlassian <noreply@id.atlassian.com>",
                html='<a href="https://id.atlassian.com/login.php">Log in</a>', text=None)
    assert "login_page_url" not in names(scan(raw))


# credential_harvest_wording --------------------------------------------------------------

def test_credential_request_with_pressure(scan):
    report = scan(build(text="Verify your account within 24 hours to avoid suspension."))
    finding = next(f for f in report.signals if f.name == "credential_harvest_wording")
    assert finding.weight >= 0.5


def test_requested_password_reset_is_not_harvest(scan):
    raw = build(text="You requested a password reset. Reset your password: "
                     "https://harper-utilities.example/reset?t=1")
    assert "credential_harvest_wording" not in names(scan(raw))


# credential_form -------------------------------------------------------------------------

def test_password_field_in_the_body(scan):
    raw = build(html='<form action="https://x.example/p"><input type="password" name="p"></form>',
                text=None)
    assert "credential_form" in names(scan(raw))


def test_body_without_forms(scan):
    assert "credential_form" not in names(scan(build(html="<p>Hello</p>", text=None)))


# risky_attachment ------------------------------------------------------------------------

def test_executable_attachment(scan):
    report = scan(build(attachments=[("invoice.pdf.exe", "application/octet-stream", b"MZ..")]))
    assert "risky_attachment" in names(report)
    assert report.verdict == "phishing"


def test_executable_by_content_whatever_the_name(scan):
    report = scan(build(attachments=[("photo.jpg", "image/jpeg", b"\x7fELF\x02\x01")]))
    assert "risky_attachment" in names(report)


def test_zip_with_script_inside_and_unreadable_zip(scan):
    report = scan(build(attachments=[("docs.zip", "application/zip",
                                      _zip({"a/invoice.js": b"x"}))]))
    assert "invoice.js" in next(f for f in report.signals if f.name == "risky_attachment").detail
    broken = scan(build(attachments=[("docs.zip", "application/zip", b"PK\x03\x04broken")]))
    assert "risky_attachment" in names(broken)


def test_zip_inside_zip_is_listed(scan):
    inner = _zip({"run.vbs": b"x"})
    report = scan(build(attachments=[("outer.zip", "application/zip", _zip({"in.zip": inner}))]))
    assert "in.zip/run.vbs" in report.signals[-1].detail


def test_html_attachment_with_a_form(scan):
    page = b"<html><form action='https://x.example/s.php'><input type='password'></form></html>"
    report = scan(build(attachments=[("PO-1.html", "text/html", page)]))
    assert "risky_attachment" in names(report)


def test_benign_attachments(scan):
    report = scan(build(attachments=[
        ("volumes.csv", "text/csv", b"day,calls\n1,2\n"),
        ("note.htm", "text/html", b"<html><body><p>Regards</p></body></html>"),
        ("docs.zip", "application/zip", _zip({"a.pdf": b"%PDF"})),
    ]))
    assert "risky_attachment" not in names(report)
    assert report.verdict == "clean"


def test_upstream_filter_notice(scan):
    notice = ("The gateway deleted the attachment invoice_2291.js because the file type may not "
              "be safe.")
    assert "risky_attachment" in names(scan(build(text=notice)))
    assert "risky_attachment" not in names(scan(build(text="Removed from list: joe@example.com")))


def test_display_name_that_only_mentions_a_brand(scan):
    for name in ("Apple Pie Bakery", "Weekly Outlook", "Zoom Media Partners"):
        report = scan(build(sender=f"{name} <hello@bakery.example>"))
        assert "display_name_impersonation" not in names(report), name
    spoof = scan(build(sender="Apple ID Support <id@apple-care.example>"))
    assert "display_name_impersonation" in names(spoof)
