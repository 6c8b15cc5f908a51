"""The floor view's picture: a floor's zones as rectangles, doors on their edges, and a legend.

Builds plain shapes from the database rows; the template writes them out as SVG. The layout is
an impression (vaultdoor has no architectural plans): call floors and public areas get more
room than cupboards, and the same zones always land in the same places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vaultdoor.console.layout import Rect, place_doors, treemap
from vaultdoor.facilities.models import Door, Floor, Zone

__all__ = ["PLAN_HEIGHT", "PLAN_WIDTH", "FloorPlan", "PlanDoor", "PlanZone", "floor_plan"]

PLAN_WIDTH = 960
PLAN_HEIGHT = 540
MARGIN = 24  # room around the building for outside doors
GAP = 3  # drawn between zones so their borders read as walls

# Relative room per purpose: call floors are the big open spaces of a contact centre.
_PURPOSE_WEIGHT = {"general": 3.0, "training": 2.0, "break": 1.6, "records": 1.2,
                   "equipment": 1.2}


def zone_weight(zone: Zone) -> float:
    """How much of the floor a zone gets in the picture."""
    weight = _PURPOSE_WEIGHT.get(zone.purpose, 2.0)
    if zone.customer_data:
        weight += 1.5
    if zone.security == "public":
        weight = max(weight, 2.0)
    return weight


@dataclass(frozen=True, slots=True)
class PlanZone:
    """A zone as drawn: its rectangle (already inset), the row, and where its text goes."""

    zone: Zone
    rect: Rect
    compact: bool  # too small for the full label: show only the id and the count

    @property
    def text_x(self) -> float:
        return round(self.rect.x + 10, 1)

    @property
    def text_y(self) -> float:
        return round(self.rect.y + 22, 1)

    @property
    def meta_y(self) -> float:
        return round(self.rect.y + 39, 1)

    @property
    def flag_y(self) -> float:
        """Top of the first flag line (phones), under the name and security lines."""
        return round(self.rect.y + 50, 1)

    @property
    def flag2_y(self) -> float:
        return round(self.rect.y + 72, 1)

    @property
    def icon_y(self) -> float:
        return round(self.rect.y + 6, 1)

    @property
    def phone_x(self) -> float:
        return round(self.rect.right - 28, 1)

    @property
    def data_x(self) -> float:
        """Where the customer-data mark goes, left of the phone mark."""
        return round(self.rect.right - 52, 1)

    @property
    def count_y(self) -> float:
        return round(self.rect.bottom - 12, 1)


@dataclass(frozen=True, slots=True)
class PlanDoor:
    """A door marker: the door, its position and how it connects (for the label)."""

    door: Door
    x: float
    y: float
    side: str
    leads: str  # "outside", "stairs" (another floor) or "" (between zones of this floor)
    via: tuple[float, float] | None = None  # connector end for zones that do not touch

    @property
    def box_x(self) -> float:
        return round(self.x - 6, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - 6, 1)

    @property
    def diamond(self) -> str:
        """The path of the marker of a door to another floor."""
        x, y = self.x, self.y
        return f"M{x:.1f} {y - 7:.1f}L{x + 7:.1f} {y:.1f}L{x:.1f} {y + 7:.1f}L{x - 7:.1f} {y:.1f}Z"

    @property
    def label_x(self) -> float:
        return round(self.x + (10 if self.side != "left" else -10), 1)

    @property
    def label_y(self) -> float:
        return round(self.y + (-10 if self.side == "top" else 18 if self.side == "bottom"
                               else 4), 1)

    @property
    def label_anchor(self) -> str:
        return "end" if self.side == "left" else "start"


@dataclass(frozen=True, slots=True)
class FloorPlan:
    """Everything the floor view draws."""

    width: int
    height: int
    building: Rect
    zones: tuple[PlanZone, ...]
    doors: tuple[PlanDoor, ...]
    levels: tuple[str, ...] = field(default=("public", "standard", "restricted", "high"))


def floor_plan(zones: Sequence[Zone], doors: Sequence[Door], floor: Floor) -> FloorPlan:
    """Lay out `zones` (this floor's, in a stable order) and the `doors` touching them."""
    building = Rect(MARGIN, MARGIN, PLAN_WIDTH - 2 * MARGIN, PLAN_HEIGHT - 2 * MARGIN)
    ordered = sorted(zones, key=lambda z: (-zone_weight(z), z.code))
    rects = treemap([zone_weight(z) for z in ordered], building) if ordered else []
    by_pk = {z.pk: r for z, r in zip(ordered, rects, strict=True)}
    plan_zones = tuple(
        PlanZone(z, r.inset(GAP), compact=r.w < 170 or r.h < 120)
        for z, r in zip(ordered, rects, strict=True)
    )

    specs: list[tuple[str, str, str | None]] = []
    leads: dict[str, str] = {}
    door_by_key: dict[str, Door] = {}
    for door in doors:
        key = str(door.pk)
        to_here = door.to_zone_id in by_pk
        from_here = door.from_zone_id is not None and door.from_zone_id in by_pk
        here = door.to_zone_id if to_here else door.from_zone_id
        other = door.from_zone_id if to_here else door.to_zone_id
        if here is None or here not in by_pk:
            continue
        if other is None:
            specs.append((key, str(here), None))
            leads[key] = "outside"
        elif other in by_pk and (to_here and from_here):
            specs.append((key, str(here), str(other)))
            leads[key] = ""
        else:
            specs.append((key, str(here), "elsewhere"))
            leads[key] = "stairs"
        door_by_key[key] = door
    marks = place_doors(specs, {str(pk): r for pk, r in by_pk.items()}, building)
    plan_doors = tuple(
        PlanDoor(door_by_key[m.key], m.x, m.y, m.side, leads[m.key], m.via) for m in marks
    )
    return FloorPlan(PLAN_WIDTH, PLAN_HEIGHT, building, plan_zones, plan_doors)
