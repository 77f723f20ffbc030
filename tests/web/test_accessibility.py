"""Accessibility basics on every page: a language, one h1, a label for every control,
names for buttons and images, and no external assets."""

from __future__ import annotations

from html.parser import HTMLParser

from tests import factories as f
from tests.web.conftest import Person, open_group, shopper, staff, token_of


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0
        self.labels: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.in_label = 0
        self.images: list[dict[str, str | None]] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labels.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a | {"_wrapped": "1" if self.in_label else None})
        elif tag == "img":
            self.images.append(a)
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(a[key])

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def _audit(html: str) -> Audit:
    audit = Audit()
    audit.feed(html)
    assert audit.lang in ("en", "zh-Hans")
    assert audit.h1 == 1
    for control in audit.controls:
        assert control["_wrapped"] or control.get("id") in audit.labels, control
    for image in audit.images:
        assert image.get("alt"), image
    for url in audit.urls:
        assert not url.startswith(("http://", "https://", "//")) or "testserver" in url, url
    return audit


def test_every_page_is_labelled_and_has_a_language(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann = shopper(h, m)
    order_id = open_group(m, ann, deal["id"])
    token = token_of(h, order_id)
    ann.post(f"/s/{m['slug']}/orders/{order_id}/payfor")
    pages = [f"/s/{m['slug']}", f"/s/{m['slug']}/deals/{deal['id']}", f"/g/{token}",
             f"/s/{m['slug']}/orders", f"/s/{m['slug']}/orders/{order_id}"]
    for url in pages:
        r = ann.get(url)
        assert r.status_code == 200, url
        _audit(r.text)
    visitor = Person(h)
    for url in (f"/s/{m['slug']}/signin", f"/s/{m['slug']}/signup", "/console/signin"):
        _audit(visitor.get(url).text)
    owner = staff(h, m)
    for url in ("/console", "/console/products", "/console/deals", "/console/groups",
                "/console/orders", f"/console/orders/{order_id}", "/console/keys",
                "/console/webhooks", "/console/team"):
        r = owner.get(url)
        assert r.status_code == 200, url
        _audit(r.text)


def test_forms_with_errors_point_each_message_at_its_field(h):
    m = f.merchant(h)
    r = Person(h).post(f"/s/{m['slug']}/signup", {"email": "", "name": "", "password": ""})
    audit = _audit(r.text)
    assert r.text.count('aria-invalid="true"') == 3
    assert 'aria-describedby="e-email"' in r.text
    assert 'id="e-email"' in r.text
    assert 'role="alert"' in r.text
    assert audit.controls
