"""An EAN-13 barcode drawn as a PNG, from the code's bars (GS1 General Specifications 5.2).

The first digit picks, for the six left digits, which of the two left-hand sets (L, G) each
uses; the six right digits use set R. Bars: start 101, left, centre 01010, right, end 101,
with quiet zones of white on both sides.
"""

import io

from PIL import Image, ImageDraw

L_SET = ["0001101", "0011001", "0010011", "0111101", "0100011",
         "0110001", "0101111", "0111011", "0110111", "0001011"]  # fmt: skip
R_SET = ["".join("1" if bit == "0" else "0" for bit in code) for code in L_SET]
G_SET = [code[::-1] for code in R_SET]
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
          "LGGLLG", "LGGGLG", "LGLGLG", "LGLGGL", "LGGLGL"]  # fmt: skip


def modules(code: str) -> str:
    """The 95 modules of an EAN-13, "1" for a bar."""
    assert len(code) == 13 and code.isdigit(), code
    first, left, right = int(code[0]), code[1:7], code[7:]
    sets = {"L": L_SET, "G": G_SET}
    left_bars = "".join(sets[p][int(d)] for p, d in zip(PARITY[first], left, strict=True))
    return "101" + left_bars + "01010" + "".join(R_SET[int(d)] for d in right) + "101"


def ean13_png(code: str, *, module_px: int = 4, height: int = 160, quiet: int = 12) -> bytes:
    bars = modules(code)
    width = (len(bars) + 2 * quiet) * module_px
    image = Image.new("L", (width, height + 40), 255)
    draw = ImageDraw.Draw(image)
    for index, bit in enumerate(bars):
        if bit == "1":
            x = (quiet + index) * module_px
            draw.rectangle([x, 20, x + module_px - 1, 20 + height], fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
