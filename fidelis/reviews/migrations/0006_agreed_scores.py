import django.db.models.deletion
from django.db import migrations, models

from fidelis.lib.scalefile import Scale
from fidelis.lib.scoring import score_scale, scores_record

CHUNK = 500


def store_agreed_scores(apps, schema_editor):
    """Finalised reviews store their agreed item scores and section means from now on: fill
    them in (and their ranking rows) for those finalised before, a chunk of reviews at a time."""
    Review = apps.get_model("reviews", "Review")
    ConsensusItem = apps.get_model("reviews", "ConsensusItem")
    AgreedScore = apps.get_model("reviews", "AgreedScore")
    scales = {}
    finalised = Review.objects.filter(status="finalised").select_related("scale").order_by("pk")
    last = 0
    while True:
        chunk = list(finalised.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk
        found, ranking = {}, []
        for review_id, number, score in ConsensusItem.objects.filter(
            review_id__in=[r.pk for r in chunk]
        ).values_list("review_id", "item__number", "score"):
            found.setdefault(review_id, {})[number] = score
        for review in chunk:
            if review.scale_id not in scales:
                scales[review.scale_id] = Scale.from_dict(review.scale.data)
            scale = scales[review.scale_id]
            known = {item.number for item in scale.items}
            scores = {n: s for n, s in found.get(review.pk, {}).items() if n in known}
            review.agreed_scores = scores_record(scores, score_scale(scale, scores))
            ranking.extend(
                AgreedScore(
                    review_id=review.pk,
                    timepoint_id=review.timepoint_id,
                    key=f"{key}-{number}",
                    value=value,
                )
                for kind, key in (("items", "item"), ("sections", "section"))
                for number, value in review.agreed_scores[kind].items()
            )
        Review.objects.bulk_update(chunk, ["agreed_scores"])
        AgreedScore.objects.bulk_create(ranking)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0004_membership_by_role"),
        ("reviews", "0005_review_by_timepoint_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreview",
            name="agreed_scores",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="review",
            name="agreed_scores",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="AgreedScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=20)),
                ("value", models.FloatField()),
                (
                    "review",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reviews.review",
                    ),
                ),
                (
                    "timepoint",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="programmes.reviewtimepoint",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["timepoint", "key", "value", "review"], name="agreed_score_rank"
                    )
                ],
            },
        ),
        migrations.RunPython(store_agreed_scores, migrations.RunPython.noop),
    ]
