"""Fidelity reviews: the panel, preparation, blind independent ratings, consensus,
the feedback report and amendments after finalising."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from fidelis.validators import SafeCharField, SafeTextField


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    PREPARATION = "preparation", "Preparation"
    RATING = "rating", "Independent rating"
    CONSENSUS = "consensus", "Consensus"
    REPORT = "report", "Report"
    FINALISED = "finalised", "Finalised"


STATUS_ORDER = [s.value for s in Status]


class PanelRole(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    RESEARCHER = "researcher", "Researcher"
    EXPERT = "expert", "Expert by experience"


class Decision(models.TextChoices):
    MET = "met", "Met"
    PARTIAL = "partial", "Partly met"
    NOT_MET = "not_met", "Not met"


class ReviewQuerySet(models.QuerySet):
    def finalised(self):
        return self.filter(status=Status.FINALISED)

    def in_progress(self):
        """Reviews at any stage before finalised. The stages are named rather than
        excluding one, so the index by timepoint and status finds the few among thousands."""
        return self.filter(status__in=[s for s in Status.values if s != Status.FINALISED])


class Review(models.Model):
    """A fidelity review of one team at one programme timepoint."""

    team = models.ForeignKey("programmes.Team", on_delete=models.CASCADE, related_name="reviews")
    timepoint = models.ForeignKey(
        "programmes.ReviewTimepoint", on_delete=models.PROTECT, related_name="reviews"
    )
    scale = models.ForeignKey(
        "scales.FidelityScale", on_delete=models.PROTECT, related_name="reviews"
    )
    visit_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    recommendations = SafeTextField(
        blank=True, help_text="The panel's recommendations to the team, one per paragraph."
    )
    report_version = models.PositiveIntegerField(default=0)
    # The agreed result, stored when the review is finalised and kept current by
    # amendments, so lists, paths and benchmarks read it without scoring every item again.
    total = models.PositiveIntegerField(null=True, blank=True)
    mean_score = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True, help_text="The scale's band key.")
    n_scored = models.PositiveSmallIntegerField(null=True, blank=True)
    # The agreed scores themselves, stored with the totals: {"items": {number: score},
    # "sections": {number: mean item score}} (numbers as strings, as JSON keys are), so a
    # dashboard shows and sorts a page of teams without reading every consensus row.
    agreed_scores = models.JSONField(null=True, blank=True)
    focus_items = models.JSONField(
        default=list,
        blank=True,
        help_text="Item numbers the team chose as its own focus; the report ranks them "
        "higher among its priorities.",
    )
    # Inter-rater agreement of the independent ratings, stored when consensus opens (the
    # ratings never change after that): see fidelis.reviews.agreement.
    agreement = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visit_date", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "timepoint"], name="one_review_per_timepoint")
        ]
        indexes = [
            # Lists show the newest visits first: a page of them reads the index in order.
            models.Index(fields=["-visit_date", "-id"], name="review_newest_first"),
            # Dashboards count and rank a timepoint's reviews by status and total: this
            # covers those reads without touching the (wide) review rows.
            models.Index(
                fields=["timepoint", "status", "scale", "team", "total"],
                name="review_by_timepoint_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.name}, {self.timepoint.label} review"

    def get_absolute_url(self) -> str:
        return reverse("review", args=[self.pk])

    @property
    def is_finalised(self) -> bool:
        return self.status == Status.FINALISED

    @property
    def band_label(self) -> str:
        """The stored band's name in the review's scale ("Moderate fidelity"), or ""."""
        for band in self.scale.definition.bands if self.band else ():
            if band.key == self.band:
                return band.label
        return ""

    @property
    def score_summary(self) -> str:
        """One line for lists: "Total 96 over 28 items, mean item score 3.43"."""
        if self.total is None or not self.n_scored:
            return ""
        return (
            f"Total {self.total} over {self.n_scored} items, mean item score {self.mean_score:.2f}"
        )

    def has_reached(self, status: str) -> bool:
        return STATUS_ORDER.index(self.status) >= STATUS_ORDER.index(status)

    def _panel_ids(self) -> list[int]:
        return [member.pk for member in self.panel.all()]

    def rated_counts(self) -> dict[int, int]:
        """{panel member id: how many items they have scored}: progress, never scores."""
        return dict(
            Rating.objects.filter(panel_member_id__in=self._panel_ids(), score__isnull=False)
            .values("panel_member")
            .annotate(n=models.Count("pk"))
            .values_list("panel_member", "n")
        )

    def rating_summary(self) -> dict[int, dict[int, tuple]]:
        """{item id: {panel member id: (score, {criterion id: decision})}}: every
        independent rating in brief, read as plain values (a consensus list shows a whole
        review's ratings side by side). Who may see which is decided in access.py."""
        summary: dict[int, dict[int, tuple]] = {}
        ratings = Rating.objects.filter(panel_member_id__in=self._panel_ids()).values_list(
            "pk", "item_id", "panel_member_id", "score"
        )
        by_rating = {}
        for pk, item_id, member_id, score in ratings:
            decisions: dict[int, str] = {}
            summary.setdefault(item_id, {})[member_id] = (score, decisions)
            by_rating[pk] = decisions
        for rating_id, criterion_id, status in CriterionRating.objects.filter(
            rating_id__in=list(by_rating)
        ).values_list("rating_id", "criterion_id", "status"):
            by_rating[rating_id][criterion_id] = status
        return summary

    def ratings_by_item(self, item=None) -> dict[int, dict[int, "Rating"]]:
        """{item id: {panel member id: Rating}}, criterion decisions prefetched; for one
        item when given. Who may see which of them is decided in access.py."""
        # By the panel's ids: the (panel member, item) index then finds each rating.
        ratings = Rating.objects.filter(panel_member_id__in=self._panel_ids())
        if item is not None:
            ratings = ratings.filter(item=item)
        ratings = ratings.prefetch_related(
            models.Prefetch(
                "criteria", queryset=CriterionRating.objects.select_related("criterion")
            )
        )
        result: dict[int, dict[int, Rating]] = {}
        for rating in ratings:
            result.setdefault(rating.item_id, {})[rating.panel_member_id] = rating
        return result


class PanelMember(models.Model):
    """A reviewer on a review's panel, with their role and whether they have submitted."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_places"
    )
    role = models.CharField(max_length=20, choices=PanelRole.choices)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="one_place_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def has_submitted(self) -> bool:
        return self.submitted_at is not None


class PreparationItem(models.Model):
    """One line of the preparation checklist: a document the team sends, or an interview
    on the day's schedule."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document the team sends"
        INTERVIEW = "interview", "Interview on the day"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="preparation")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = SafeCharField(max_length=200)
    time = models.TimeField(null=True, blank=True, help_text="For interviews: when it starts.")
    done = models.BooleanField(default=False)
    notes = SafeCharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "kind", "order", "time"]

    def __str__(self) -> str:
        return self.label


class RoutineValue(models.Model):
    """A routine-data figure the team supplied for a criterion that routine data can decide."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="routine_values")
    criterion = models.ForeignKey(
        "scales.Criterion", on_delete=models.PROTECT, related_name="routine_values"
    )
    value = models.FloatField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_routine_value")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Rating(models.Model):
    """One reviewer's independent rating of one item: criteria decisions give the score."""

    # No index of its own: the unique constraint's index starts with this column.
    panel_member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    item = models.ForeignKey("scales.Item", on_delete=models.PROTECT, related_name="ratings")
    anchor_level = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = SafeTextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["panel_member", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["panel_member", "item"], name="one_rating_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.panel_member.user} on item {self.item.number}: {self.score}"


class CriterionRating(models.Model):
    """A reviewer's decision on one criterion, with the evidence sources that support it."""

    # No index of its own: the unique constraint's index starts with this column.
    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="criteria", db_index=False
    )
    criterion = models.ForeignKey("scales.Criterion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    sources = models.JSONField(default=list, blank=True)
    parts = models.JSONField(
        null=True, blank=True, help_text="For a criterion counting parts: the parts ticked."
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rating", "criterion"], name="one_decision_each")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.status or 'undecided'}"


class ConsensusItem(models.Model):
    """The panel's agreed rating of one item, with its rationale."""

    # No index of its own: the unique constraint's index starts with this column.
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="consensus", db_index=False
    )
    item = models.ForeignKey("scales.Item", on_delete=models.PROTECT, related_name="+")
    anchor_level = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = SafeTextField(blank=True)
    agreed = models.BooleanField(default=False)
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="one_consensus_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.review}: item {self.item.number} = {self.score}"


class AgreedScore(models.Model):
    """One agreed item score or section mean of a finalised review ("item-3", "section-2"),
    in a narrow row of its own.

    The review keeps its agreed scores as JSON for showing them (`Review.agreed_scores`);
    these rows are for ranking: a dashboard orders a timepoint's reviews by any item or
    section reading one range of this table's index, never the wide review rows. Both are written
    together with the stored totals (fidelis.reviews.scores.store_totals).
    """

    # Indexed below, with the key and the value (which also serves the foreign key).
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The review's timepoint, repeated here so that a timepoint's ranking by one key is a
    # single range of the index below.
    timepoint = models.ForeignKey(
        "programmes.ReviewTimepoint", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=20)
    value = models.FloatField()

    class Meta:
        # Holding the value and the review too, so a ranking never reads the rows; and a
        # review's value for one key, so a page of reviews ordered by it reads one entry each.
        indexes = [
            models.Index(fields=["timepoint", "key", "value", "review"], name="agreed_score_rank"),
            models.Index(fields=["review", "key", "value"], name="agreed_score_of_review"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.key} = {self.value:g}"


class ConsensusCriterion(models.Model):
    """The agreed decision on one criterion."""

    # No index of its own: the unique constraint's index starts with this column.
    consensus = models.ForeignKey(
        ConsensusItem, on_delete=models.CASCADE, related_name="criteria", db_index=False
    )
    criterion = models.ForeignKey("scales.Criterion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    sources = models.JSONField(default=list, blank=True)
    parts = models.JSONField(
        null=True, blank=True, help_text="For a criterion counting parts: the parts ticked."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consensus", "criterion"], name="one_agreed_each")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.status or 'undecided'}"


class Amendment(models.Model):
    """A change made after the review was finalised, with the reason for it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="amendments")
    item = models.ForeignKey(
        "scales.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = SafeCharField(max_length=300)
    before = SafeTextField(blank=True)
    after = SafeTextField(blank=True)
    reason = SafeTextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "made_at"]

    def __str__(self) -> str:
        return f"{self.review}: {self.what}"


class ProgrammeAgreement(models.Model):
    """Inter-rater agreement pooled over a programme's finalised reviews, by panel seat.

    Pooling reads every independent rating in the programme (a quarter of a million at a
    thousand teams, some seconds of work), so it is worked out in the background when a
    review is finalised and stored here for the agreement page to read."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="agreement"
    )
    figures = models.JSONField(null=True, blank=True)
    n_reviews = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Agreement in {self.programme} over {self.n_reviews} reviews"
