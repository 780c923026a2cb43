"""The load driver: locust, headless, in its own process, against 127.0.0.1 only.

    python -m bench.load PLAN.json OUT.json

It imports no Django. It reads the plan the bench command wrote (base URL,
accounts, the young people's recovery phrases, pages and their paths), then:

1. opens real sessions: staff sign in through /accounts/login/ (one session per
   role, shared by that role's simulated users); each young person gets their
   identity cookie by typing their recovery phrase at /join/recover/;
2. asks for every page once with `Accept-Encoding: br, gzip` and records the
   bytes on the wire, and weighs a young person's club page with everything it
   links to (first visit) and without what the browser may keep (repeat visit);
3. runs one phase per page: `users` simulated users, each sending its next
   request as soon as the last one answered, for `duration` seconds (requests
   in the first `warmup` seconds are not counted), at most `max_requests`
   requests per user. Every response time is kept, so percentiles are exact.
   A page whose target is a ratio to the floor (`floor_beside`) gets the floor
   measured beside it too: a floor phase of `floor_beside_seconds` just before
   it and another just after, their responses together giving the floor's median
   for that page. The host's load moves over minutes; a floor measured at the
   start of a ten-minute run is not the floor the page met.

Locust's own statistics round response times; we record raw times through its
request event instead.
"""

# locust patches the standard library for gevent on import: do it before anything else.
from gevent import monkey

monkey.patch_all()

import gzip  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from http.cookiejar import DefaultCookiePolicy  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from urllib.parse import urlencode, urljoin, urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

from bench.pages import FLOOR  # noqa: E402
from bench.report import percentile  # noqa: E402

LOOPBACK = re.compile(r"^http://127\.\d+\.\d+\.\d+:\d+$")
ENCODINGS = "br, gzip"


# --- Plain HTTP for sessions and weights --------------------------------------------


class Http:
    """A tiny client for the set-up requests: keeps cookies, never leaves 127.0.0.1."""

    def __init__(self, base_url: str):
        if not LOOPBACK.match(base_url):
            raise SystemExit(f"Refusing to drive {base_url}: the benchmark only targets 127.0.0.1.")
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        all_headers = {"Accept-Encoding": ENCODINGS, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        raw = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        conn.close()
        return response, raw

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict, **kw):
        return self.request("POST", path, form=form, **kw)


def decoded(response, raw: bytes) -> bytes:
    encoding = (response.headers.get("Content-Encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "br":
        import brotli

        return brotli.decompress(raw)
    return raw


class _FormTokens(HTMLParser):
    def __init__(self):
        super().__init__()
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.csrf = attrs.get("value") or ""


def csrf_token(html: bytes) -> str:
    parser = _FormTokens()
    parser.feed(html.decode("utf-8", "replace"))
    return parser.csrf


def staff_session(base_url: str, email: str, password: str) -> dict[str, str]:
    client = Http(base_url)
    response, raw = client.get("/accounts/login/")
    token = csrf_token(decoded(response, raw))
    response, _ = client.post(
        "/accounts/login/",
        {"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base_url + "/accounts/login/"},
    )
    if response.status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"Signing in as {email} failed: HTTP {response.status}")
    return dict(client.cookies)


def young_session(base_url: str, young: dict, cookie_name: str) -> tuple[dict[str, str], str]:
    """A young person's cookies, from their recovery phrase; falls back to the signed
    cookie the plan made (with the server's own key) if recovery is not there."""
    client = Http(base_url)
    response, raw = client.get("/join/recover/")
    if response.status == 200:
        token = csrf_token(decoded(response, raw))
        response, _ = client.post(
            "/join/recover/",
            {"code": young["code"], "phrase": young["phrase"], "csrfmiddlewaretoken": token},
        )
        if response.status == 302 and cookie_name in client.cookies:
            # As a phone would: open the club page it was sent to, which shows (and
            # so uses up) the "welcome back" message.
            client.get(response.headers["Location"])
            return dict(client.cookies), "recovery phrase at /join/recover/"
    client.cookies[young["cookie"]["name"]] = young["cookie"]["value"]
    if "csrftoken" not in client.cookies:
        client.get("/accounts/login/")
    return dict(client.cookies), "signed cookie from feedback.identity"


# --- Page weight ------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower()
        if (
            tag == "link"
            and attrs.get("href")
            and ("stylesheet" in rel or "icon" in rel or "preload" in rel)
        ):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def is_cached_immutable(response) -> bool:
    control = (response.headers.get("Cache-Control") or "").lower()
    match = re.search(r"max-age=(\d+)", control)
    return "immutable" in control or bool(match and int(match.group(1)) >= 86_400 * 30)


def page_weight(base_url: str, cookies: dict, path: str) -> dict:
    """Bytes on the wire (compressed bodies) for a first and a repeat visit to `path`."""
    client = Http(base_url)
    client.cookies.update(cookies)
    response, raw = client.get(path)
    html = decoded(response, raw)
    parser = _Assets()
    parser.feed(html.decode("utf-8", "replace"))
    assets, seen = [], set()
    queue = [urljoin(path, url) for url in parser.urls]
    while queue:
        url = queue.pop(0)
        if url.startswith("data:") or url in seen:
            continue
        seen.add(url)
        if urlsplit(url).netloc:
            assets.append({"url": url, "external": True, "bytes": 0})
            continue
        asset_response, asset_raw = client.get(url)
        body = decoded(asset_response, asset_raw)
        if (asset_response.headers.get("Content-Type") or "").startswith("text/css"):
            for ref in CSS_URL.findall(body.decode("utf-8", "replace")):
                if not ref.startswith("data:") and not ref.startswith("#"):
                    queue.append(urljoin(url, ref))
        assets.append(
            {
                "url": url,
                "status": asset_response.status,
                "bytes": len(asset_raw),
                "uncompressed_bytes": len(body),
                "content_encoding": asset_response.headers.get("Content-Encoding") or "",
                "cache_control": asset_response.headers.get("Cache-Control") or "",
                "cached_on_repeat": is_cached_immutable(asset_response),
            }
        )
    html_bytes = len(raw)
    first = html_bytes + sum(a["bytes"] for a in assets)
    repeat = html_bytes + sum(a["bytes"] for a in assets if not a.get("cached_on_repeat"))
    return {
        "path": path,
        "status": response.status,
        "html_bytes": html_bytes,
        "html_uncompressed_bytes": len(html),
        "html_content_encoding": response.headers.get("Content-Encoding") or "",
        "first_visit_bytes": first,
        "repeat_visit_bytes": repeat,
        "external_requests": sum(1 for a in assets if a.get("external")),
        "assets": assets,
    }


# --- The load phases --------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.times: list[float] = []
        self.failures = 0
        self.errors: dict[str, int] = {}
        self.counting = False
        self.started = self.stopped = 0.0

    def __call__(self, request_type, name, response_time, response_length, exception=None, **kw):
        if not self.counting:
            return
        if exception is not None:
            self.failures += 1
            key = str(exception)[:120]
            self.errors[key] = self.errors.get(key, 0) + 1
        else:
            self.times.append(response_time)


def make_user_class(page: dict, identities: list[dict], base_url: str, max_requests: int):
    """A locust user for one page: every instance takes the next identity of its role."""
    counter = {"next": 0}

    class PageUser(FastHttpUser):
        host = base_url
        wait_time = constant(0)

        def on_start(self):
            me = identities[counter["next"] % len(identities)]
            counter["next"] += 1
            # Cookies go in by hand (the session each identity opened); keep the
            # client's own jar out of it.
            self.client.cookiejar.set_policy(DefaultCookiePolicy(blocked_domains=["127.0.0.1"]))
            self.cookie_header = "; ".join(f"{k}={v}" for k, v in me["cookies"].items())
            self.csrf = me["cookies"].get("csrftoken", "")
            self.paths = me["paths"]
            self.done = 0

        @task
        def hit(self):
            if self.done >= max_requests:
                raise StopUser()
            path = self.paths[self.done % len(self.paths)]
            self.done += 1
            headers = {"Cookie": self.cookie_header, "Accept-Encoding": ENCODINGS}
            if page["method"] == "POST":
                headers["X-CSRFToken"] = self.csrf
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                form = {"csrfmiddlewaretoken": self.csrf}
                if page["name"] == "propose":
                    form.update(
                        title=f"Bench idea {uuid.uuid4().hex[:8]}",
                        text="Could we try this next week?",
                        client_token=str(uuid.uuid4()),
                    )
                self.client.request(
                    "POST",
                    path,
                    name=page["name"],
                    data=urlencode(form),
                    headers=headers,
                    allow_redirects=False,
                )
            else:
                self.client.request(
                    "GET", path, name=page["name"], headers=headers, allow_redirects=False
                )

    PageUser.__name__ = f"User_{page['name']}"
    return PageUser


def run_phase(
    page: dict, identities: list[dict], plan: dict, duration: float | None = None
) -> tuple[dict, list[float]]:
    """One page under load: its figures, and every response time (ms, sorted)."""
    users, duration = plan["users"], duration or plan["duration"]
    warmup = plan["warmup"]
    recorder = Recorder()
    user_class = make_user_class(page, identities, plan["base_url"], plan["max_requests"])
    env = Environment(user_classes=[user_class])
    env.events.request.add_listener(recorder)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=min(100, users * 10))
    gevent.sleep(warmup)
    recorder.counting, recorder.started = True, time.perf_counter()
    gevent.sleep(duration)
    recorder.counting, recorder.stopped = False, time.perf_counter()
    runner.quit()
    times = sorted(recorder.times)
    elapsed = recorder.stopped - recorder.started
    figures = {
        "requests": len(times),
        "failures": recorder.failures,
        "errors": recorder.errors,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "mean_ms": round(sum(times) / len(times), 2) if times else None,
        "max_ms": round(times[-1], 2) if times else None,
        "throughput_rps": round(len(times) / elapsed, 1) if elapsed else None,
        "seconds": round(elapsed, 2),
    }
    return figures, times


def floor_beside(before: tuple[dict, list[float]], after: tuple[dict, list[float]]) -> dict:
    """The floor measured just before and just after a page: both phases' responses."""
    times = sorted(before[1] + after[1])
    return {
        "requests": len(times),
        "failures": before[0]["failures"] + after[0]["failures"],
        "p50_ms": percentile(times, 50),
        "before_p50_ms": before[0]["p50_ms"],
        "after_p50_ms": after[0]["p50_ms"],
    }


def main(plan_path: str, out_path: str) -> None:
    with open(plan_path) as f:
        plan = json.load(f)
    base = plan["base_url"]
    if not LOOPBACK.match(base):
        raise SystemExit(f"Refusing to drive {base}: the benchmark only targets 127.0.0.1.")
    log = lambda msg: print(f"[load] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    # 1. Sessions.
    sessions: dict[str, list[dict]] = {"anonymous": [{"cookies": {}}]}
    for role, account in plan["targets"]["accounts"].items():
        sessions[role] = [{"cookies": staff_session(base, account["email"], account["password"])}]
        log(f"signed in as the {role} ({account['email']})")
    sessions["young"] = []
    how = ""
    for young in plan["targets"]["young"]:
        cookies, how = young_session(base, young, plan["participant_cookie"])
        sessions["young"].append({"cookies": cookies, "proposals": young["proposals"]})
    log(f"{len(sessions['young'])} young people have their identity cookie ({how})")

    # 2. Bytes per response, and the young person's page weight.
    sizes = {}
    for page in plan["pages"]:
        if not page["available"]:
            continue
        identity = sessions[page["role"]][0]
        client = Http(base)
        client.cookies.update(identity["cookies"])
        path = page["paths"][0]
        if page["method"] == "POST":
            form = {"csrfmiddlewaretoken": client.cookies.get("csrftoken", "")}
            if page["name"] == "propose":
                form.update(title="Bench idea size", client_token=str(uuid.uuid4()))
            response, raw = client.post(
                path, form, headers={"X-CSRFToken": form["csrfmiddlewaretoken"]}
            )
        else:
            response, raw = client.get(path)
        sizes[page["name"]] = {
            "status": response.status,
            "bytes": len(raw),
            "uncompressed_bytes": len(decoded(response, raw)),
            "content_encoding": response.headers.get("Content-Encoding") or "",
        }
    weight = None
    young_page = next((p for p in plan["pages"] if p["name"] == "young_club_page"), None)
    if young_page and young_page["available"]:
        weight = page_weight(base, sessions["young"][0]["cookies"], young_page["paths"][0])
        log(
            f"young club page: first visit {weight['first_visit_bytes']} B, "
            f"repeat {weight['repeat_visit_bytes']} B"
        )

    # 3. One phase per page (and the floor beside those whose target is a ratio to it).
    phases = {}
    floor_page = next(p for p in plan["pages"] if p["name"] == FLOOR)
    floor_identities = [{"cookies": {}, "paths": floor_page["paths"], "i": 0}]
    for page in plan["pages"]:
        if not page["available"]:
            continue
        identities = []
        for i, identity in enumerate(sessions[page["role"]]):
            if page["name"] == "support":
                pks = identity.get("proposals") or []
                paths = [page["path_template"].replace("{proposal}", str(pk)) for pk in pks]
            else:
                paths = page["paths"]
            if paths:
                identities.append({"cookies": identity["cookies"], "paths": paths, "i": i})
        if not identities:
            continue
        log(f"{page['name']}: {plan['users']} users for {plan['duration']} s")
        beside = page.get("floor_beside") and page["name"] != FLOOR
        if beside:
            before = run_phase(floor_page, floor_identities, plan, plan["floor_beside_seconds"])
        result = phases[page["name"]] = run_phase(page, identities, plan)[0]
        if beside:
            after = run_phase(floor_page, floor_identities, plan, plan["floor_beside_seconds"])
            result["floor_beside"] = floor_beside(before, after)
        log(
            f"  {result['requests']} requests, p50 {result['p50_ms']} ms, "
            f"p95 {result['p95_ms']} ms, {result['failures']} failures"
            + (
                f"; the floor beside it: p50 {result['floor_beside']['p50_ms']} ms"
                if beside
                else ""
            )
        )
    with open(out_path, "w") as f:
        json.dump(
            {"sizes": sizes, "page_weight": weight, "phases": phases, "young_identity": how},
            f,
            indent=2,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
