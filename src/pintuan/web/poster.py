"""A group's share card: the product, the price, the group's progress and a QR code of the
share link, for posting in chats. SVG for pages, PNG for chat apps that show only bitmaps;
both are drawn from one layout."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import segno
from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import escape
from PIL import Image, ImageDraw, ImageFont

from pintuan.core.errors import NotFound
from pintuan.core.tx import Tx
from pintuan.groupbuy import store as gb_store
from pintuan.groupbuy.views import group_out
from pintuan.http import read
from pintuan.merchants import service as merchants
from pintuan.web import i18n
from pintuan.web.pages import PageDep, money
from pintuan.web.storefront import product_title

router = APIRouter(include_in_schema=False)
W, H, ACCENT, MUTED = 600, 960, "#c8102e", "#595959"
QR_X, QR_Y, QR_SIZE, BAR = 170, 520, 260, (80, 415, 440, 22)
STRUCK = ' text-decoration="line-through"'
FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Line:
    y: int
    text: str
    size: int
    bold: bool = False
    color: str = "#1a1a1a"
    struck: bool = False


@dataclass(frozen=True)
class Layout:
    title: str
    lines: list[Line]
    filled: float
    qr: list[list[bool]]


def layout(data: dict[str, Any], lang: str) -> Layout:
    def t(key: str, **kw: object) -> str:
        return i18n.translate(lang, key, **kw)

    g, deal = data["group"], data["deal"]
    title = deal.title if len(deal.title) <= 24 else deal.title[:23] + "…"
    status = (t("group.status.completed") if g.status == "completed"
              else t("group.status.failed")[:20] if g.status == "failed"
              else t("group.status.full") if g.seats_left == 0
              else t("group.status.open", n=g.seats_left))
    qr = segno.make(g.share_url, error="m")
    return Layout(title=title, filled=g.seats_taken / g.size,
                  qr=[[bool(c) for c in row] for row in qr.matrix_iter(border=0)], lines=[
        Line(70, data["merchant"].name, 34, bold=True, color="#fff"),
        Line(118, t("deal.team", n=g.size), 28, color="#fff"),
        Line(215, title, 36, bold=True),
        Line(255, data["product"], 24, color=MUTED),
        Line(335, money(deal.group_price_minor, deal.currency), 64, bold=True, color=ACCENT),
        Line(380, f'{t("deal.list_price")} {money(deal.list_price_minor, deal.currency)}', 26,
             color=MUTED, struck=True),
        Line(475, f"{g.seats_taken}/{g.size} · {status}", 28, bold=True),
        Line(880, t("group.share"), 26, color=MUTED)])


def poster_svg(shape: Layout, lang: str) -> str:
    unit = QR_SIZE / len(shape.qr)
    cells = "".join(f"M{x * unit:.2f} {y * unit:.2f}h{unit:.2f}v{unit:.2f}h-{unit:.2f}z"
                    for y, row in enumerate(shape.qr) for x, dark in enumerate(row) if dark)
    x, y, w, h = BAR
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
             f'height="{H}" role="img" aria-labelledby="pt pd" '
             f'font-family="system-ui, PingFang SC, Noto Sans CJK SC, sans-serif">'
             f'<title id="pt">{escape(shape.title)}</title>'
             f'<desc id="pd">{escape(i18n.translate(lang, "group.poster_alt"))}</desc>'
             f'<rect width="{W}" height="{H}" fill="#fff"/>'
             f'<rect width="{W}" height="150" fill="{ACCENT}"/>'
             f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="11" fill="#f0f0f0"/>'
             f'<rect x="{x}" y="{y}" width="{w * shape.filled:.1f}" height="{h}" rx="11" '
             f'fill="{ACCENT}"/>'
             f'<g transform="translate({QR_X} {QR_Y})"><path d="{cells}" fill="#000"/></g>']
    parts.extend(f'<text x="{W // 2}" y="{line.y}" font-size="{line.size}" '
                 f'font-weight="{700 if line.bold else 400}" fill="{line.color}" '
                 f'text-anchor="middle"{STRUCK if line.struck else ""}>'
                 f'{escape(line.text)}</text>' for line in shape.lines)
    parts.append("</svg>")
    return "".join(parts)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def poster_png(shape: Layout) -> bytes:
    image = Image.new("RGB", (W, H), "#fff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, W, 150), fill=ACCENT)
    x, y, w, h = BAR
    draw.rounded_rectangle((x, y, x + w, y + h), radius=11, fill="#f0f0f0")
    if shape.filled:
        draw.rounded_rectangle((x, y, x + w * shape.filled, y + h), radius=11, fill=ACCENT)
    modules = Image.new("1", (len(shape.qr), len(shape.qr)), 1)
    modules.putdata([0 if dark else 1 for row in shape.qr for dark in row])
    image.paste(modules.resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST), (QR_X, QR_Y))
    for line in shape.lines:
        font = _font(line.size)
        draw.text((W // 2, line.y), line.text, font=font, fill=line.color, anchor="ms",
                  stroke_width=1 if line.bold else 0, stroke_fill=line.color)
        if line.struck:
            left, top, right, bottom = draw.textbbox((W // 2, line.y), line.text, font=font,
                                                     anchor="ms")
            middle = (top + bottom) // 2
            draw.line((left, middle, right, middle), fill=line.color, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _load(tx: Tx, token: str) -> dict[str, Any]:
    row = gb_store.group_by_token(tx, token)
    if row is None:
        raise NotFound("this group link does not exist", code="group_not_found")
    deal = gb_store.get_deal(tx, row.deal_id)
    assert deal is not None
    return {"group": group_out(tx, row), "deal": deal, "product": product_title(tx, deal),
            "merchant": merchants.merchant(tx, row.merchant_id)}


HEADERS = {"Cache-Control": "no-cache", "Vary": "Cookie, Accept-Language"}


@router.get("/g/{token}/poster.svg")
def poster(token: str, p: PageDep) -> Response:
    shape = layout(read(p.c, lambda tx: _load(tx, token)), p.lang)
    return Response(poster_svg(shape, p.lang), media_type="image/svg+xml", headers=HEADERS)


@router.get("/g/{token}/poster.png")
def poster_image(token: str, p: PageDep) -> Response:
    shape = layout(read(p.c, lambda tx: _load(tx, token)), p.lang)
    return Response(poster_png(shape), media_type="image/png", headers=HEADERS)
