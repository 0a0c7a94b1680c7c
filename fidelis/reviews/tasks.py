"""Background work for reviews: immediate in development and tests, a database worker in
production."""

from django_tasks import task

from fidelis.programmes.models import Programme
from fidelis.reviews.agreement import refresh_programme


@task()
def refresh_agreement(*, programme_id: int) -> None:
    """Pool the programme's inter-rater agreement again (after a review is finalised)."""
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        refresh_programme(programme)
