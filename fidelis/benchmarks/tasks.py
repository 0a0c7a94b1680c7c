"""Background work for benchmarks: immediate in development and tests, a database worker
in production."""

from django_tasks import task

from fidelis.benchmarks.actions import refresh
from fidelis.programmes.models import Programme


@task()
def refresh_benchmarks(*, programme_id: int) -> None:
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is not None:
        refresh(programme=programme)


def on_review_result(*, programme_id: int) -> None:
    """A finalised review's result changed (finalised or amended): work the figures out
    again. Listed in settings.FIDELIS_ON_REVIEW_RESULT."""
    refresh_benchmarks.enqueue(programme_id=programme_id)
