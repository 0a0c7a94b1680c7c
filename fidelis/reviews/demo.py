"""The reviews' part of the demo programme and of `fidelis seed`.

Every demo team has finalised baseline, 6-month and 12-month reviews, except Corran Home
Treatment Team, whose 12-month review is at the independent rating stage: the researcher
has submitted, while the `reviewer` persona has rated about two thirds of the items and the
`expert` persona about a third, so a newcomer can carry on rating and see the panel disagree.
A seeded programme gets up to three finalised reviews per team (`--reviews`).
"""

from fidelis.bulk import Build
from fidelis.programmes.models import Team
from fidelis.reviews.agreement import refresh_programme
from fidelis.reviews.models import PanelRole, ProgrammeAgreement, Review
from fidelis.reviews.synthetic import InProgress, PanelPool, Seat, build_reviews, delete_reviews

IN_PROGRESS_TEAM = "Corran Home Treatment Team"
IN_PROGRESS_TIMEPOINT = "12m"


def build_demo(build: Build) -> None:
    """Baseline, 6-month and 12-month reviews for the demo teams."""
    personas, programme = build.personas, build.programme
    clinicians = [personas["reviewer"]]
    researchers, experts = [], [personas["expert"]]
    for user in build.people["reviewers"]:
        title = (user.job_title or "").lower()
        if "expert" in title:
            experts.append(user)
        elif "research" in title:
            researchers.append(user)
        else:
            clinicians.append(user)
    pool = PanelPool(clinicians=clinicians, researchers=researchers, experts=experts)
    teams = list(Team.objects.in_programme(programme).order_by("name"))
    corran = next(t for t in teams if t.name == IN_PROGRESS_TEAM)
    researcher = researchers[0] if researchers else clinicians[-1]
    in_progress = {
        (corran.pk, IN_PROGRESS_TIMEPOINT): InProgress(
            panel=(
                Seat(personas["reviewer"], PanelRole.CLINICIAN, rated_share=2 / 3, submitted=False),
                Seat(researcher, PanelRole.RESEARCHER),
                Seat(personas["expert"], PanelRole.EXPERT, rated_share=1 / 3, submitted=False),
            )
        )
    }
    result = build_reviews(
        programme=programme,
        teams=teams,
        timepoints=list(programme.timepoints.all()),
        rng=build.rng,
        panel_pool=pool,
        in_progress=in_progress,
        by=personas["lead"],
    )
    build.rows.update(result.rows)
    refresh_programme(programme)


def build_seed(build: Build) -> None:
    """Finalised reviews for every seeded team: baseline, then 6 and 12 months."""
    reviews = build.options.get("reviews", 3)
    if not reviews:
        return
    people = build.people
    result = build_reviews(
        programme=build.programme,
        teams=build.teams,
        timepoints=list(build.programme.timepoints.all())[:reviews],
        rng=build.rng,
        panel_pool=PanelPool(
            clinicians=people["clinicians"],
            researchers=people["researchers"],
            experts=people["experts"],
        ),
        by=people["lead"][0],
    )
    build.rows.update(result.rows)
    refresh_programme(build.programme)


def remove(programme) -> None:
    """Delete the programme's reviews, table by table: the ORM's delete would load every
    rating and write a history record for each."""
    ProgrammeAgreement.objects.filter(programme=programme).delete()
    delete_reviews(Review.objects.filter(team__organisation__programme=programme))
