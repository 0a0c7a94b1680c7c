from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fidelis.lib.scalefile import dump_scale
from fidelis.lib.scoring import describe_rule
from fidelis.pages import breadcrumbs, item_resources
from fidelis.scales.access import scale_for_view, scales_visible_to


@login_required
def scale_list(request):
    scales = scales_visible_to(request.user).prefetch_related("programmes")
    return render(
        request,
        "scales/list.jinja",
        {
            "scales": scales,
            "breadcrumbs": breadcrumbs(("Home", reverse("home")), ("Fidelity scales", "")),
        },
    )


@login_required
def scale_detail(request, slug, version):
    scale = scale_for_view(request.user, slug, version)
    definition = scale.definition
    sections = [
        {
            "section": section,
            "items": [
                {
                    "item": item,
                    "rule": describe_rule(item),
                    "href": reverse("scale_item", args=[slug, version, item.number]),
                }
                for item in section.items
            ],
        }
        for section in definition.sections
    ]
    n_items = len(definition.items)
    return render(
        request,
        "scales/detail.jinja",
        {
            "scale": scale,
            "definition": definition,
            "sections": sections,
            "n_items": n_items,
            "min_total": n_items * definition.min_level,
            "max_total": n_items * definition.max_level,
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                ("Fidelity scales", reverse("scale_list")),
                (scale.name, ""),
            ),
        },
    )


@login_required
def item_detail(request, slug, version, number):
    scale = scale_for_view(request.user, slug, version)
    definition = scale.definition
    try:
        item = definition.item(number)
    except KeyError:
        raise Http404("No such item") from None
    section = definition.section_of(number)
    sources = {source.code: source.name for source in definition.sources}
    numbers = [i.number for i in definition.items]
    position = numbers.index(number)
    return render(
        request,
        "scales/item.jinja",
        {
            "scale": scale,
            "definition": definition,
            "item": item,
            "section": section,
            "sources": sources,
            "rule": describe_rule(item),
            "resources": item_resources(request.user, scale_id=scale.pk, numbers=[number]).get(
                number, []
            ),
            "previous": numbers[position - 1] if position > 0 else None,
            "next": numbers[position + 1] if position + 1 < len(numbers) else None,
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                ("Fidelity scales", reverse("scale_list")),
                (scale.name, scale.get_absolute_url()),
                (f"Item {item.number}", ""),
            ),
        },
    )


@login_required
def scale_download(request, slug, version):
    scale = scale_for_view(request.user, slug, version)
    response = HttpResponse(dump_scale(scale.definition), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{version}.yaml"'
    return response
