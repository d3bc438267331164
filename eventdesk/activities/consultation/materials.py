"""A booth's materials: what it brought (leaflets, brochures, items) and what is left.

Handing out is the booth's ``handout`` action (`consultations.record_handout`); here the
organizers and the booth's staff set up the stock.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventdesk.activities.consultation.models import Handout, Material
from eventdesk.activities.consultation.vocabulary import MATERIAL_KINDS, values
from eventdesk.core import audit
from eventdesk.core.models import Activity, Booth, User
from eventdesk.core.services.setup import apply_changes, is_taken, record_update
from eventdesk.core.text import clean_line
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

NAME_MAX_LENGTH = 100
MAX_BROUGHT = 1_000_000
_WHOLE_NUMBER = re.compile(r"\d{1,9}")


@dataclass
class MaterialInput:
    """A material as typed or sent; the quantity may come as text."""

    name: Any
    kind: Any
    brought: Any


@dataclass
class Stock:
    """Brought, handed out and left, of one booth or of the whole fair."""

    brought: int = 0
    handed_out: int = 0

    @property
    def left(self) -> int:
        return self.brought - self.handed_out

    def add(self, material: Material) -> None:
        self.brought += material.brought
        self.handed_out += material.handed_out


def materials_of(activity: Activity) -> dict[int, list[Material]]:
    """The fair's materials by booth id, in the order they were added."""
    found: dict[int, list[Material]] = {booth.id: [] for booth in activity.booths}
    for material in db.session.scalars(
        sa.select(Material).where(Material.activity_id == activity.id).order_by(Material.id)
    ):
        found.setdefault(material.booth_id, []).append(material)
    return found


def add_material(booth: Booth, data: MaterialInput, *, actor: User | None = None) -> Material:
    """A new material at a booth, with the quantity brought.

    :raises ServiceError: ``text_required``, ``text_too_long``, ``invalid_text``,
        ``invalid_field`` (kind), ``invalid_quantity`` (400); ``name_taken`` (409).
    """
    values_ = _values(booth, data, exclude=None)
    material = Material(activity_id=booth.activity_id, booth_id=booth.id, **values_)
    db.session.add(material)
    db.session.flush()
    audit.record("consultation.material_added", material, user=actor, booth_id=booth.id)
    return material


def update_material(material: Material, data: MaterialInput, *, actor: User | None = None) -> list[str]:
    """Change a material; what was brought never goes below what was handed out.

    :raises ServiceError: as `add_material`, and ``brought_below_handed_out`` (409).
    """
    values_ = _values(material.booth, data, exclude=material)
    # Read the hand-outs under a lock: one being recorded now must not slip past the new stock.
    handed_out = db.session.scalar(
        sa.select(Material.handed_out).where(Material.id == material.id).with_for_update()
    )
    if values_["brought"] < handed_out:
        raise ServiceError("brought_below_handed_out", status=409, field="brought")
    changed = apply_changes(material, values_)
    record_update("consultation.material_updated", material, changed, actor)
    return changed


def delete_material(material: Material, *, actor: User | None = None) -> None:
    """Remove a material nothing was ever handed out of (a mistake).

    :raises ServiceError: ``material_in_use`` (409).
    """
    if db.session.scalar(sa.select(Handout.action_id).where(Handout.material_id == material.id).limit(1)):
        raise ServiceError("material_in_use", status=409)
    audit.record("consultation.material_deleted", material, user=actor, name=material.name)
    db.session.delete(material)
    db.session.flush()


def _values(booth: Booth, data: MaterialInput, exclude: Material | None) -> dict:
    name = clean_line(_text(data.name), field="name", max_length=NAME_MAX_LENGTH)
    if data.kind not in values(MATERIAL_KINDS):
        raise ServiceError("invalid_field", status=422, field="kind")
    if is_taken(Material, Material.booth_id == booth.id, Material.name == name, exclude=exclude):
        raise ServiceError("name_taken", status=409, field="name")
    return {"name": name, "kind": data.kind, "brought": _quantity(data.brought)}


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _quantity(value: Any) -> int:
    if isinstance(value, str):
        text = re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", value))
        value = int(text) if _WHOLE_NUMBER.fullmatch(text) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BROUGHT:
        raise ServiceError("invalid_quantity", field="brought")
    return value
