"""Who may see which fidelity scales.

Scales sit below programmes in the layers (a scale is a published instrument that exists
before and apart from any programme; a programme chooses one), so this module decides on
the user and the scale alone:
- demonstration scales are open to every signed-in user;
- a licensed scale (a programme's own copy of the CORE scale, say) is open only to people
  with a role in a programme that uses it: its developers' permission covers that
  programme, not every user of Fidelis;
- administrators see every scale and assign them to programmes.
Nobody changes a scale through the web: versions are imported from files and never change
once a review has used them.
"""

from django.db.models import Q
from django.http import Http404

from fidelis.scales.models import FidelityScale


def scales_visible_to(user, queryset=None):
    queryset = FidelityScale.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    used = FidelityScale.objects.filter(programmes__memberships__user=user).values("pk")
    return queryset.filter(Q(demonstration=True) | Q(pk__in=used))


def scale_for_view(user, slug: str, version: str) -> FidelityScale:
    scale = scales_visible_to(user).filter(slug=slug, version=version).first()
    if scale is None:
        raise Http404("No such scale")
    return scale
