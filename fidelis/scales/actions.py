"""Importing scale versions into the database."""

from pathlib import Path

from django.db import transaction

from fidelis.lib.scalefile import Scale, load_scale_file
from fidelis.scales.models import Criterion, FidelityScale, Item, Section

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"


class ScaleVersionExists(ValueError):
    pass


@transaction.atomic
def import_scale(*, scale: Scale) -> FidelityScale:
    """Store a validated scale as a new version. A version that exists is never changed."""
    if FidelityScale.objects.filter(slug=scale.slug, version=scale.version).exists():
        raise ScaleVersionExists(
            f"{scale.slug} version {scale.version} is already imported; scale versions never "
            "change once imported. Give the changed scale a new version."
        )
    previous = None
    if scale.mapping is not None:
        previous = FidelityScale.objects.filter(
            slug=scale.slug, version=scale.mapping.from_version
        ).first()
    stored = FidelityScale.objects.create(
        slug=scale.slug,
        version=scale.version,
        name=scale.name,
        description=scale.description or "",
        citation=scale.citation or "",
        licence=scale.licence,
        demonstration=scale.demonstration,
        data=scale.to_dict(),
        previous=previous,
    )
    previous_items = (
        {item.number: item for item in previous.items.all()} if previous is not None else {}
    )
    criteria = []
    for section_def in scale.sections:
        section = Section.objects.create(
            scale=stored, number=section_def.number, title=section_def.title
        )
        for item_def in section_def.items:
            earlier = scale.mapping.items.get(item_def.number) if scale.mapping else None
            item = Item.objects.create(
                scale=stored,
                section=section,
                number=item_def.number,
                title=item_def.title,
                rule_kind=item_def.rule.kind,
                previous_item=previous_items.get(earlier) if earlier else None,
            )
            criteria.extend(
                Criterion(item=item, letter=c.letter, order=i)
                for i, c in enumerate(item_def.criteria)
            )
    Criterion.objects.bulk_create(criteria)
    return stored


def bundled_scale_paths() -> list[Path]:
    return sorted(BUNDLED_DIR.glob("*.yaml"))


def ensure_bundled_scale(slug: str = "crisis-demo") -> FidelityScale:
    """The bundled scale with this slug, imported if it is not in the database yet."""
    path = BUNDLED_DIR / f"{slug}.yaml"
    scale = load_scale_file(path)
    existing = FidelityScale.objects.filter(slug=scale.slug, version=scale.version).first()
    return existing or import_scale(scale=scale)
