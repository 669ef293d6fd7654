"""The business logo: read once, checked, scaled down, and never fatal.

A logo is decoration: a moved, deleted or damaged file must not stop an
invoice from being issued, so problems become a warning and the document is
drawn without it.  Decoded logos are cached per (path, size, mtime) so a
batch of a thousand invoices reads the file once per worker process, and
large images are reduced to print resolution so every PDF stays small.

The pixels are also deflated once, when the logo is first read: ReportLab
would otherwise compress the same few hundred kilobytes for every document,
which was the single most expensive step of rendering an invoice.  The
pre-compressed image is placed into each PDF as an image XObject (with a
soft mask for transparency), exactly as ``Canvas.drawImage`` would write it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import zlib
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

log = logging.getLogger(__name__)

MAX_PIXELS = 900  # longest side; ~300 dpi at the 60 mm the widest logo box allows


class LogoError(Exception):
    """The logo file could not be used; the message is shown to the user."""


@dataclass(frozen=True)
class LoadedLogo:
    reader: ImageReader
    width: int
    height: int
    key: str  # content digest; names the image inside the PDF
    rgb_deflated: bytes
    alpha_deflated: bytes | None


@lru_cache(maxsize=8)
def _decode(path: str, size: int, mtime_ns: int) -> LoadedLogo:
    del size, mtime_ns  # part of the cache key only: a replaced file is read again
    try:
        with Image.open(path) as opened:
            opened.load()
            image = opened.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise LogoError(f"logo {path} is not a readable image ({exc})") from exc
    if image.width < 1 or image.height < 1:
        raise LogoError(f"logo {path} is empty")
    transparent = "transparency" in image.info or "A" in image.getbands()
    image = image.convert("RGBA" if transparent else "RGB")
    if max(image.size) > MAX_PIXELS:
        image.thumbnail((MAX_PIXELS, MAX_PIXELS), Image.Resampling.LANCZOS)
    rgb = image.convert("RGB").tobytes()
    alpha = image.getchannel("A").tobytes() if transparent else None
    if alpha is not None and alpha.count(255) == len(alpha):
        alpha = None
    digest = hashlib.sha256(rgb + (alpha or b"")).hexdigest()[:24]
    return LoadedLogo(
        reader=ImageReader(image),
        width=image.width,
        height=image.height,
        key=f"logo{digest}",
        rgb_deflated=zlib.compress(rgb),
        alpha_deflated=zlib.compress(alpha) if alpha is not None else None,
    )


def load_logo(path: str | None, warnings: list[str]) -> LoadedLogo | None:
    """The logo at ``path``, or None (with a warning) when it cannot be used."""
    if not path:
        return None
    try:
        stat = os.stat(path)
        return _decode(os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
    except FileNotFoundError:
        message = f"logo {path} not found; the document was rendered without a logo"
    except LogoError as exc:
        message = f"{exc}; the document was rendered without a logo"
    except OSError as exc:
        message = f"logo {path} cannot be read ({exc.strerror}); rendered without a logo"
    log.warning(message)
    warnings.append(message)
    return None


class LogoFlowable(Flowable):
    """The logo scaled to fit a box, keeping its proportions."""

    def __init__(self, logo: LoadedLogo, max_width: float, max_height: float) -> None:
        super().__init__()
        scale = min(max_width / logo.width, max_height / logo.height)
        self.logo = logo
        self.width = logo.width * scale
        self.height = logo.height * scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        try:
            _register(canvas, self.logo)
        except AttributeError:  # a ReportLab without these internals: let it do the work
            canvas.drawImage(self.logo.reader, 0, 0, self.width, self.height, mask="auto")
            return
        canvas.saveState()
        canvas.scale(self.width, self.height)
        canvas.doForm(self.logo.key)
        canvas.restoreState()


def _image_xobject(name: str, logo: LoadedLogo, data: bytes, colour_space: str) -> PDFImageXObject:
    image = PDFImageXObject(name)
    image.width, image.height = logo.width, logo.height
    image.bitsPerComponent = 8
    image.colorSpace = colour_space
    image._filters = ("FlateDecode",)
    image.streamContent = data
    image.mask = None
    return image


def _register(canvas: Canvas, logo: LoadedLogo) -> None:
    """Add the pre-compressed logo (and its soft mask) to the document once."""
    document = canvas._doc
    name = document.getXObjectName(logo.key)
    if document.idToObject.get(name) is not None:
        return
    image = _image_xobject(logo.key, logo, logo.rgb_deflated, "DeviceRGB")
    document.Reference(image, name)
    if logo.alpha_deflated is not None:
        mask = _image_xobject(logo.key + "mask", logo, logo.alpha_deflated, "DeviceGray")
        mask._decode = [0, 1]
        image.smask = document.Reference(mask, document.getXObjectName(mask.name))
    canvas._currentPageHasImages = 1
