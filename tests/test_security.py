from concurrent.futures import ThreadPoolExecutor

import pytest

from civicnet.security import sanitize_html
from civicnet.text import render_markdown
from tests.factories import make_user


def test_content_security_policy_allows_no_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert "'nonce-" in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    nonce = directives["script-src"].split("'nonce-")[1].split("'")[0]
    page = response.get_data(as_text=True)
    # Every inline script carries the nonce; every other script is a file from this site.
    assert page.count("<script") == page.count(f'nonce="{nonce}"') + page.count('<script type="module" src="/static/')


def test_pages_send_protective_headers(client):
    headers = client.get("/").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_every_asset_is_served_by_civicnet_itself(client):
    page = client.get("/").get_data(as_text=True)
    links = [part.split('"')[0] for marker in ('src="', 'href="') for part in page.split(marker)[1:]]
    assert links and all(link.startswith(("/", "#")) and not link.startswith("//") for link in links), links
    for path in (
        "/static/dist/civicnet.css",
        "/static/dist/govuk-frontend.min.js",
        "/static/img/favicon.svg",
        "/static/manifest.json",
    ):
        assert client.get(path).status_code == 200, path


def test_stylesheet_uses_civicnet_brand_not_gov_uk(client):
    css = client.get("/static/dist/civicnet.css").get_data(as_text=True)
    assert "GDS Transport" not in css and ".woff" not in css
    assert "#00625e" in css.lower()


@pytest.mark.parametrize(
    ("url", "status", "title"),
    [("/nowhere", 404, "Page not found"), ("/sign-out", 405, "This action is not allowed here")],
)
def test_error_pages_use_the_site_design(client, url, status, title):
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<title>{title} – civicnet</title>" in page and "civicnet-header" in page


def test_forbidden_page(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    response = client.get("/tags/anything/edit")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)


def test_unexpected_errors_get_the_designed_500_page_and_are_logged(make_app, caplog):
    app = make_app()
    app.testing = False  # let the error handler run, as in production

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with civicnet" in response.get_data(as_text=True)
    assert "kaboom" in caplog.text


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from civicnet.config import Config
    from civicnet.factory import create_app

    class NoSecret(Config):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoSecret)


# What sanitize_html gave when it called bleach.clean() each time; the one Cleaner must give the same.
SANITIZED = [
    ("<p>Hello <strong>world</strong></p>", "<p>Hello <strong>world</strong></p>"),
    ('<script>alert("x")</script>Hi', 'alert("x")Hi'),
    ('<a href="javascript:alert(1)">click</a>', "<a>click</a>"),
    (
        '<a href="https://example.org/a?b=1&c=2" title="t" onclick="x()">link</a>',
        '<a href="https://example.org/a?b=1&amp;c=2" title="t">link</a>',
    ),
    (
        '<a href="mailto:ada@example.org" rel="nofollow ugc noopener">mail</a>',
        '<a href="mailto:ada@example.org" rel="nofollow ugc noopener">mail</a>',
    ),
    ('<img src="x" onerror="alert(1)">', ""),
    ("<!-- secret --><em>seen</em>", "<em>seen</em>"),
    ("<h1>Top</h1><h2>Sub</h2><h5>deep</h5>", "Top<h2>Sub</h2>\ndeep"),
    (
        '<abbr title="Freedom of Information">FOI</abbr> &amp; &lt;b&gt; &copy; &nbsp;',
        '<abbr title="Freedom of Information">FOI</abbr> &amp; &lt;b&gt; &copy; &nbsp;',
    ),
    ("<ul><li>one<li>two</ul><ol><li>x</li></ol>", "<ul><li>one</li><li>two</li></ul><ol><li>x</li></ol>"),
    ("<pre><code>if a < b: pass</code></pre>", "<pre><code>if a &lt; b: pass</code></pre>"),
    ("<p>unclosed <b>bold <i>both</p>", "<p>unclosed <b>bold <i>both</i></b></p>"),
    ('<div style="color:red"><span>text</span></div>', "text"),
    ("<blockquote>quote</blockquote><hr><br>", "<blockquote>quote</blockquote><hr><br>"),
    ("<del>gone</del> <iframe src=//evil></iframe>", "<del>gone</del> "),
    (
        '<a href="ftp://example.org">ftp</a><a href="HTTPS://EXAMPLE.ORG">up</a>',
        '<a>ftp</a><a href="HTTPS://EXAMPLE.ORG">up</a>',
    ),
    ("plain text with <unknown>tag</unknown> and > sign", "plain text with tag and &gt; sign"),
    ('<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>', "alert(1)x"),
]


@pytest.mark.parametrize(("html", "expected"), SANITIZED)
def test_sanitize_html_keeps_only_allowed_tags_attributes_and_links(html, expected):
    assert sanitize_html(html) == expected


def test_sanitize_html_gives_the_same_answers_in_any_order_and_from_many_threads():
    # One Cleaner serves every call: state left by one input (an unclosed tag, a <script>) must not leak
    # into the next, whichever thread calls.
    inputs = [html for html, _ in SANITIZED] * 20
    expected = [answer for _, answer in SANITIZED] * 20
    assert [sanitize_html(html) for html in reversed(inputs)] == list(reversed(expected))
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(sanitize_html, inputs)) == expected


def test_markdown_renders_to_the_same_safe_html_as_before():
    source = "Hi **all**, see https://example.org and [this](javascript:alert(1)) ~~old~~\n\n# Big\n\n<b>raw</b>"
    assert render_markdown(source) == (
        '<p>Hi <strong>all</strong>, see <a href="https://example.org" rel="nofollow ugc noopener">'
        "https://example.org</a> and [this](javascript:alert(1)) old</p>\n"
        "<p># Big</p>\n<p>&lt;b&gt;raw&lt;/b&gt;</p>\n"
    )
