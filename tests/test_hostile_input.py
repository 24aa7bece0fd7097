"""Every form and filter a demo role can reach, sent what an attacker or a careless paste would
send: the answer is a page (the form back with its error, a refusal, a redirect), never a server
error; and every link the app shows the role opens. The crawl starts at each role's home page
and follows its links, up to three pages of each kind."""

from __future__ import annotations

import html
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from tas.demo import loading as demo
from tests.conftest import Visitor, csrf_from

# A NUL byte (PostgreSQL refuses it in text), far too long, a digit int() refuses, a number too
# big for any column, a right-to-left override.
HOSTILE = ("a\x00b", "x" * 5000, "²", "99999999999999999999", "\u202e1", "https://[")
# Leaving these would end the crawl's session, or sends to a page that is not the app's HTML.
NOT_FOLLOWED = re.compile(r"^/(sign-out|sign-in)|\.(ics|csv)$|^/static/|/export")
PAGES_PER_ROLE = 200
# Up to three pages of each kind: the first child's page may have no plan to link to.
EACH_KIND = 3
ID = re.compile(r"/\d+")
FIELDS = ("input", "textarea", "select", "button")


class Page(HTMLParser):
    """The links and forms on a page: each form's method, action and the names of its fields."""

    def __init__(self, body: str):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self.feed(body)

    def handle_starttag(self, tag, attributes):
        found = {name: value or "" for name, value in attributes}
        if tag == "a" and found.get("href"):
            self.links.append(found["href"])
        elif tag == "form":
            method = found.get("method", "get").lower()
            self._form = {"method": method, "action": found.get("action"), "fields": set()}
            self.forms.append(self._form)
        elif self._form is not None and tag in FIELDS and found.get("name"):
            self._form["fields"].add(found["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def kind_of(url: str) -> str:
    """One page of each kind: the path with its ids left out, and its query's names."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return ID.sub("/N", parts.path) + "?" + "&".join(names)


def followed(base: str, href: str) -> str | None:
    parts = urlsplit(urljoin(base, html.unescape(href)))
    elsewhere = parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost")
    if elsewhere or NOT_FOLLOWED.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(browser: Visitor, errors: list[str]) -> int:
    """Open each kind of page the role reaches from home; send its forms and filters hostile
    values. Returns how many forms were sent."""
    queue, opened, forms_seen = ["/"], set(), set()
    kinds: Counter[str] = Counter()
    while queue and len(opened) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in opened or kinds[kind_of(url)] >= EACH_KIND:
            continue
        opened.add(url)
        kinds[kind_of(url)] += 1
        response = browser.get(url)
        answered(errors, "GET", url, None, response)
        if response.status_code >= 400:  # a link the app showed this person leads nowhere
            errors.append(f"GET {url} (as linked): {response.status_code}")
        if response.status_code in (302, 303) and (to := followed(url, response.location)):
            queue.append(to)  # a record opened with a reason first, say
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        page = Page(body)
        queue += [link for href in page.links if (link := followed(url, href))]
        if kinds[kind_of(url)] == 1:
            filters(browser, url, errors)
        for form in page.forms:
            action = followed(url, form["action"] or url)
            key = (form["method"], action and kind_of(action), tuple(sorted(form["fields"])))
            if action is None or key in forms_seen:
                continue
            forms_seen.add(key)
            sent(browser, form, action, csrf_from(body), errors)
    return len(forms_seen)


def filters(browser: Visitor, url: str, errors: list[str]) -> None:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (name, _) in enumerate(query):
        for value in HOSTILE:
            changed = [*query[:index], (name, value), *query[index + 1 :]]
            response = browser.get(parts.path, query_string=changed)
            answered(errors, "GET", url, f"{name}={value[:12]!r}", response)


def sent(browser: Visitor, form: dict, action: str, csrf: str, errors: list[str]) -> None:
    """The form with every field, hidden ones too, set to each hostile value in turn."""
    fields = form["fields"] - {"csrf_token"}
    for value in HOSTILE:
        data = {name: value for name in fields}
        if form["method"] == "post":
            response = browser.client.post(action, data={**data, "csrf_token": csrf})
        else:
            response = browser.get(urlsplit(action).path, query_string=data)
        answered(errors, form["method"].upper(), action, f"every field {value[:12]!r}", response)


def answered(errors: list[str], method: str, url: str, what: str | None, response) -> None:
    if response.status_code >= 500:
        errors.append(f"{method} {url} ({what or 'as linked'}): {response.status_code}")


@pytest.mark.demo
@pytest.mark.parametrize("email", [account[0] for account in demo.ACCOUNTS])
def test_every_link_opens_and_every_form_answers_hostile_input_with_a_page(app, email):
    browser = Visitor(app.test_client())
    assert browser.sign_in(email, demo.DEMO_PASSWORD).status_code == 302
    errors: list[str] = []

    forms = crawl(browser, errors)

    assert forms > 0, "the crawl found no form: it did not get past the home page"
    assert browser.get("/").status_code == 200, "a form sent during the crawl signed it out"
    assert errors == []
