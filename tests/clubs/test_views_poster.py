"""The join poster: a scannable QR code of the join URL, and one printed A4 page."""

import io
import re
from pathlib import Path

import segno
import zxingcpp
from django.conf import settings
from django.urls import reverse
from PIL import Image

from clubs import services
from clubs.views import qr_svg


def poster(client, club):
    return client.get(reverse("clubs:poster", args=[club.slug]))


def decode(qr: segno.QRCode) -> str:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=10)
    buffer.seek(0)
    results = zxingcpp.read_barcodes(Image.open(buffer))
    assert len(results) == 1
    return results[0].text


def test_the_poster_qr_code_decodes_to_the_clubs_join_url(world, client_as):
    response = poster(client_as("coach"), world.club)
    join_url = f"http://testserver/join/{world.club.join_code}/"
    assert response.context["join_url"] == join_url
    # The SVG on the page is segno's drawing of exactly this code...
    qr = segno.make(join_url, error="m")
    assert response.context["qr"] == qr_svg(join_url)
    assert qr_svg(join_url) in response.content.decode()
    # ...and the code reads back as the join URL.
    assert decode(qr) == join_url


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (column, row) that segno's SVG path draws as horizontal runs."""
    path = re.search(r'<path transform="scale\((\d+)\)"[^>]* d="([^"]+)"', svg).group(2)
    x = y = 0.0
    dark = set()
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark.update((int(x) + i, int(y)) for i in range(int(float(a))))
            x += float(a)
    return dark


def test_the_inline_svg_itself_scans_as_the_join_url(world, client_as):
    """Redraw the modules the page's SVG draws, as a picture, and scan that."""
    page = poster(client_as("coach"), world.club).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1)) // 10
    image = Image.new("L", (size, size), 255)
    for column, row in svg_modules(svg):
        image.putpixel((column, row), 0)
    image = image.resize((size * 10, size * 10), Image.NEAREST)
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [f"http://testserver/join/{world.club.join_code}/"]


def test_the_poster_has_no_inline_styles_or_scripts(world, client_as):
    page = poster(client_as("lead"), world.club).content.decode()
    assert "style=" not in page
    assert "<script" not in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "<?xml" not in svg
    assert "width=" not in svg


def test_the_poster_shows_the_code_and_what_can_and_cannot_change(world, client_as):
    day = world.club.aspects.get(kind="day")
    services.aspect_update(aspect=day, by=world.lead, value="Tuesdays", room="Any weekday")
    location = world.club.aspects.get(kind="location")
    services.aspect_update(
        aspect=location, by=world.lead, value="Sports hall", status="fixed", reason="Free to use."
    )
    response = poster(client_as("staff"), world.club)
    page = response.content.decode()
    assert world.club.name in page
    assert f'<p class="poster-code">{world.club.join_code}</p>' in page
    assert [a.kind for a in response.context["fixed"]] == ["location"]
    assert "day" in [a.kind for a in response.context["negotiable"]]
    assert "Free to use." in page
    assert "Any weekday" in page


def test_a_rotated_code_gives_a_new_poster(world, client_as):
    old = world.club.join_code
    services.join_code_rotate(club=world.club)
    response = poster(client_as("lead"), world.club)
    assert old not in response.content.decode()
    assert decode(segno.make(response.context["join_url"], error="m")).endswith(
        f"/join/{world.club.join_code}/"
    )


def test_the_print_css_sets_one_a4_page_for_the_poster():
    css = (Path(settings.BASE_DIR) / "static/css/coproduce.css").read_text()
    assert re.search(r"@page poster\s*\{[^}]*size:\s*A4", css)
    assert re.search(r"\.poster\s*\{[^}]*page:\s*poster", css)
    print_rules = css[css.index("@media print", css.index(".poster {")) :]
    assert ".poster-page .messages { display: none; }" in print_rules
