"""A crawl of the site: every internal link on every page reached answers 200.

Breadth-first from the home page and the top-level pages, through the Flask app of the real
build. Every distinct link is requested; pages are parsed for further links up to a number per
kind of path (the part before the last segment), so each kind of page is read, not all ~12,000
Gemeinde pages. Links into /dumps/ are checked with HEAD.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

START = ["/", "/dataset", "/map", "/explore", "/timeline", "/questions", "/sparql", "/ontology",
         "/search?q=Heide", "/id/kreis/03358", "/id/region/hamburg", "/id/network/ikm",
         "/dumps/", "/shacl-report"]
PAGES_PER_KIND = 6
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # as Chromium sends
MAX_LINKS = 4000
_HREF = re.compile(r'(?:href|src)="([^"]+)"')


def _kind(path: str) -> str:
    return path.rsplit("/", 1)[0] + ("?" if "?" in path else "")


def test_every_internal_link_answers_200(app):
    client = app.test_client()
    seen = set(START)
    todo = deque(START)
    parsed: Counter[str] = Counter()
    broken = {}
    while todo and len(seen) < MAX_LINKS:
        target = todo.popleft()
        head = target.startswith("/dumps/") and target != "/dumps/"
        response = (client.head if head else client.get)(target, headers={"Accept": BROWSER},
                                                         follow_redirects=True)
        status, html = response.status_code, response.mimetype == "text/html"
        body = response.get_data(as_text=True) if html else ""
        response.close()
        if status != 200:
            broken[target] = status
            continue
        kind = _kind(urlsplit(target).path)
        if not html or parsed[kind] >= PAGES_PER_KIND:
            continue
        parsed[kind] += 1
        for raw in _HREF.findall(body):
            link, _fragment = urldefrag(urljoin("http://localhost" + target, unescape(raw)))
            parts = urlsplit(link)
            if parts.netloc != "localhost" or not parts.path.startswith("/"):
                continue  # another site (w3id IRIs, sources' own pages)
            local = parts.path + ("?" + parts.query if parts.query else "")
            if local not in seen:
                seen.add(local)
                todo.append(local)
    assert not broken, broken
    assert len(parsed) > 20 and len(seen) > 200, (len(parsed), len(seen))
