"""Proof of delivery: how the courier handed the part over at the door, and what shows it.

Three ways, each with its own proof:

- to the recipient: the consumer's delivery code, as before; a name and a photo are optional;
- with a neighbour: only when the consumer allowed it (OrderPart.allow_neighbour); nobody
  at the door knows the code, so the neighbour's name and house number are required instead;
- at the safe place: only when the consumer named one (OrderPart.safe_place); nobody is
  there at all, so a photo of the part in that place is required instead.

A photo must be an image Pillow can read, at most MAX_PHOTO_BYTES; it is re-encoded as a
JPEG no larger than LONGEST_SIDE, which drops EXIF (the phone's GPS position, the camera's
serial number) and anything hidden after the image data. It is stored in the default
storage under an unguessable name and shown only through logistics.proof_views, never as a
public media link.
"""

import secrets
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import part_states
from .models import Courier, DeliveryProof, OrderPart, ProofKind
from .part_states import TransitionRefused

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 50-megapixel camera; more is a decompression bomb
LONGEST_SIDE = 1600
READABLE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class ProofInput:
    kind: str
    code: str
    received_by: str
    note: str
    photo: object | None  # an UploadedFile


def proof_input(data, files) -> ProofInput:
    """The courier's delivery form as typed; no form says which kind means the recipient."""
    photo = files.get("photo") if files else None
    return ProofInput(
        kind=data.get("handed_over") or ProofKind.RECIPIENT,
        code=data.get("code", ""),
        received_by=data.get("received_by", "").strip()[:200],
        note=data.get("note", "").strip()[:300],
        photo=photo if photo and photo.size else None,
    )


def deliver_with_proof(*, part: OrderPart, courier: Courier, given: ProofInput) -> DeliveryProof:
    """Marks a door delivery delivered and stores its proof, both or neither.

    Everything the courier sent is checked before anything is written, so a refusal changes
    nothing, except that a wrong code counts as a failed attempt (as in mark_delivered). The
    photo file is written before the commit; a rollback after that leaves an unlinked file
    behind, never a proof without its file."""
    check_proof(part, given)
    photo = clean_photo(given.photo) if given.photo is not None else None
    if given.kind == ProofKind.RECIPIENT:
        code = given.code
        # Counted outside the savepoint below, so a wrong code stays counted.
        part_states.check_code(part, code, part.delivery_code)
    else:
        # The proof stands in for the code nobody at the door can give; the part goes the
        # one way a delivery goes (guarded step, stops closed, consumer told).
        code = part.delivery_code
    with transaction.atomic():
        part_states.mark_delivered(part_id=part.pk, code=code)
        proof = DeliveryProof(
            part=part,
            courier=courier,
            kind=given.kind,
            received_by=given.received_by,
            note=given.note,
        )
        if photo is not None:
            proof.photo.save(f"{secrets.token_urlsafe(24)}.jpg", photo, save=False)
        proof.save()
    return proof


def check_proof(part: OrderPart, given: ProofInput) -> None:
    if given.kind not in ProofKind.values:
        raise TransitionRefused(_("Choose how the part was handed over."))
    if given.kind == ProofKind.NEIGHBOUR:
        if not part.allow_neighbour:
            raise TransitionRefused(
                _("The consumer did not allow leaving this part with a neighbour.")
            )
        if not given.received_by:
            raise TransitionRefused(_("Fill in the neighbour's name and house number."))
    if given.kind == ProofKind.SAFE_PLACE:
        if not part.safe_place:
            raise TransitionRefused(_("The consumer did not name a safe place for this part."))
        if given.photo is None:
            raise TransitionRefused(_("Take a photo of the part at the safe place."))


def clean_photo(upload) -> ContentFile:
    """The upload as a fresh JPEG without metadata, or TransitionRefused saying why not."""
    if upload.size > MAX_PHOTO_BYTES:
        raise TransitionRefused(
            _("The photo is too large (%(size)s MB); at most %(max)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": MAX_PHOTO_BYTES // 1024 // 1024}
        )
    try:
        with Image.open(upload) as probe:
            if probe.format not in READABLE_FORMATS:
                raise UnidentifiedImageError(probe.format)
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise Image.DecompressionBombError(probe.size)
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
        buffer = BytesIO()
        upright.save(buffer, format="JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise TransitionRefused(
            _("The photo could not be read as an image; take it again (JPEG, PNG or WebP).")
        ) from None
    return ContentFile(buffer.getvalue())
