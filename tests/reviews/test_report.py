"""The feedback report: its figures match the scoring engine, and it renders to PDF.

Each test builds its own small programme and walks reviews to finalised through the
action functions, with the criterion decisions chosen here, so every expected number is
computed from data the test states.
"""

import datetime
import re
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fidelis.lib.scoring import CriterionDecision, score_item, score_scale
from fidelis.programmes import actions as programme_actions
from fidelis.reviews import actions
from fidelis.reviews.models import AgreedScore, PanelRole, Review, Status
from fidelis.reviews.report import build_report, report_html, report_pdf, section_chart_svg

REPORT_SLUG = "report-test-programme"


# ----------------------------------------------------------------------------------------------
# Helpers: a small programme, and a review walked to finalised with chosen decisions
# ----------------------------------------------------------------------------------------------


@pytest.fixture
def small(programme, users):
    """A programme of its own (one trust, two teams) using the demo scale."""
    mine = programme_actions.create_programme(
        name="Report Test Programme",
        slug=REPORT_SLUG,
        start_date=datetime.date(2027, 1, 4),
        scale=programme.scale,
        lead=users["lead"],
    )
    trust = programme_actions.create_organisation(programme=mine, name="Testford NHS Trust")
    teams = [
        programme_actions.create_team(organisation=trust, name="Testford Crisis Team"),
        programme_actions.create_team(organisation=trust, name="Upper Testford Home Treatment"),
    ]
    timepoints = {t.key: t for t in mine.timepoints.all()}
    return {"programme": mine, "teams": teams, "timepoints": timepoints}


def met_count_plan(offset=0):
    """How many criteria each item meets: varied, so scores spread across the scale."""

    def plan(definition):
        n = len(definition.criteria)
        return (definition.number * 3 + offset) % (n + 1)

    return plan


def decisions_for(definition, met):
    """The first `met` criteria met (with every listed source), the rest not met."""
    return {
        c.letter: ("met" if i < met else "not_met", list(c.sources))
        for i, c in enumerate(definition.criteria)
    }


def anchor_for(definition, offset=0):
    return (definition.number + offset) % 5 + 1


def walk_to_finalised(
    *,
    team,
    timepoint,
    visit_date,
    users,
    plan,
    anchor_offset=0,
    finalise=True,
    recommendations="Keep the daily handover.\n\nInvolve carers in every crisis plan.",
):
    """Plan a review, have two reviewers rate every item the same way (so consensus opens
    with those decisions), agree every item, write recommendations and finalise."""
    review = actions.plan_review(
        team=team,
        timepoint=timepoint,
        visit_date=visit_date,
        panel=[(users["reviewer"], PanelRole.CLINICIAN), (users["expert"], PanelRole.EXPERT)],
        by=users["lead"],
    )
    actions.advance(review=review, by=users["lead"])
    actions.advance(review=review, by=users["lead"])
    review = Review.objects.get(pk=review.pk)
    items = list(review.scale.items.all())
    for place in review.panel.all():
        for item in items:
            definition = item.definition
            if definition.rule.kind == "anchors":
                actions.record_rating(
                    panel_member=place,
                    item=item,
                    anchor_level=anchor_for(definition, anchor_offset),
                )
            else:
                actions.record_rating(
                    panel_member=place,
                    item=item,
                    decisions=decisions_for(definition, plan(definition)),
                )
        actions.submit_ratings(panel_member=place)
    review = Review.objects.get(pk=review.pk)
    assert review.status == Status.CONSENSUS
    for consensus in review.consensus.select_related("item"):
        actions.save_consensus(
            consensus=consensus,
            expected_version=consensus.version,
            decisions={},
            anchor_level=consensus.anchor_level,
            rationale=f"Rationale for item {consensus.item.number}.",
            agreed=True,
            by=users["reviewer"],
        )
    review = actions.advance(review=review, by=users["reviewer"])
    actions.save_recommendations(
        review=review, recommendations=recommendations, by=users["reviewer"]
    )
    if finalise:
        review = actions.finalise(review=review, by=users["reviewer"])
    return Review.objects.get(pk=review.pk)


def expected_scores(scale, plan, anchor_offset=0):
    """Item scores straight from the engine, for the decisions `walk_to_finalised` makes."""
    results = {}
    for definition in scale.items:
        if definition.rule.kind == "anchors":
            results[definition.number] = score_item(
                definition, anchor_level=anchor_for(definition, anchor_offset)
            )
        else:
            decisions = {
                letter: CriterionDecision(status, frozenset(sources))
                for letter, (status, sources) in decisions_for(definition, plan(definition)).items()
            }
            results[definition.number] = score_item(definition, decisions)
    return results


@pytest.fixture
def finalised_review(small, users):
    return walk_to_finalised(
        team=small["teams"][0],
        timepoint=small["timepoints"]["baseline"],
        visit_date=datetime.date(2027, 2, 1),
        users=users,
        plan=met_count_plan(),
    )


# ----------------------------------------------------------------------------------------------
# The figures
# ----------------------------------------------------------------------------------------------


def test_report_numbers_match_the_scoring_engine(finalised_review):
    scale = finalised_review.scale.definition
    results = expected_scores(scale, met_count_plan())
    totals = score_scale(scale, {n: r.score for n, r in results.items()})

    report = build_report(finalised_review)

    assert report.team == "Testford Crisis Team"
    assert report.organisation == "Testford NHS Trust"
    assert report.timepoint == "Baseline"
    assert report.is_finalised and report.finalised_by == "Rachel Osei"
    assert [p.role for p in report.panel] == ["Clinician", "Expert by experience"]
    assert report.total == totals.total
    assert report.mean == pytest.approx(totals.mean)
    assert report.band == totals.band.label
    assert (report.min_total, report.max_total) == (totals.min_total, totals.max_total)
    assert report.complete
    assert [i.number for i in report.items] == [i.number for i in scale.items]
    for line in report.items:
        assert line.score == results[line.number].score, line.number
        assert line.next_step == results[line.number].next_step
        assert line.rationale == f"Rationale for item {line.number}."
        met = {c.letter for c in line.criteria if c.decision == "met"}
        assert met == set(results[line.number].met)
    for section in report.sections:
        assert section.mean == pytest.approx(totals.section_means[section.number])
    assert report.recommendations == (
        "Keep the daily handover.",
        "Involve carers in every crisis plan.",
    )
    assert report.comparison is None
    assert report.report_version == 1


def test_criteria_carry_their_evidence_sources(finalised_review):
    report = build_report(finalised_review)
    source_names = {s.name for s in finalised_review.scale.definition.sources}
    met = [c for line in report.items for c in line.criteria if c.decision == "met"]
    assert met
    assert all(c.sources and set(c.sources) <= source_names for c in met)


def test_strengths_are_the_items_scoring_4_or_5(finalised_review):
    report = build_report(finalised_review)
    expected = [i.number for i in report.items if i.score in (4, 5)]
    assert expected, "the chosen decisions should give some 4s and 5s"
    assert [i.number for i in report.strengths] == expected


def test_priorities_are_the_five_largest_gaps_quick_wins_first(finalised_review):
    report = build_report(finalised_review)
    assert len(report.priorities) == 5
    assert [p.rank for p in report.priorities] == [1, 2, 3, 4, 5]
    below_top = [i for i in report.items if i.score < report.max_level]
    # The largest gaps to the top score come first ...
    chosen = {p.item.number for p in report.priorities}
    worst_left_out = min(
        (i.score for i in below_top if i.number not in chosen), default=report.max_level
    )
    assert max(p.item.score for p in report.priorities) <= worst_left_out
    keys = [(p.item.score, not p.one_more, p.item.number) for p in report.priorities]
    assert keys == sorted(keys)
    # ... and among equal gaps the items one more criterion would raise lead.
    for priority in report.priorities:
        assert priority.gap == report.max_level - priority.item.score
        assert priority.one_more == priority.item.one_more
        if priority.one_more:
            assert "one more criterion would raise it" in priority.reason
        # The criteria still to meet are the item's own, in words.
        assert priority.unmet == tuple(c for c in priority.item.criteria if c.decision != "met")


def test_change_since_the_earlier_review(small, users):
    team, tps = small["teams"][0], small["timepoints"]
    earlier = walk_to_finalised(
        team=team,
        timepoint=tps["baseline"],
        visit_date=datetime.date(2027, 2, 1),
        users=users,
        plan=met_count_plan(0),
    )
    later = walk_to_finalised(
        team=team,
        timepoint=tps["6m"],
        visit_date=datetime.date(2027, 8, 2),
        users=users,
        plan=met_count_plan(1),
        anchor_offset=1,
    )
    scale = later.scale.definition
    before = expected_scores(scale, met_count_plan(0))
    after = expected_scores(scale, met_count_plan(1), anchor_offset=1)
    before_totals = score_scale(scale, {n: r.score for n, r in before.items()})
    after_totals = score_scale(scale, {n: r.score for n, r in after.items()})

    report = build_report(later)

    comparison = report.comparison
    assert comparison is not None
    assert comparison.timepoint == "Baseline"
    assert comparison.total == before_totals.total
    assert comparison.total_difference == after_totals.total - before_totals.total
    assert comparison.mean_difference == pytest.approx(
        after_totals.mean - before_totals.mean, abs=0.01
    )
    assert comparison.band == before_totals.band.label
    assert not comparison.scale_changed
    up = [n for n in before if after[n].score > before[n].score]
    down = [n for n in before if after[n].score < before[n].score]
    assert sorted(c.number for c in comparison.items_up) == up
    assert sorted(c.number for c in comparison.items_down) == down
    assert comparison.items_same == len(before) - len(up) - len(down)
    for line in report.items:
        assert line.previous_score == before[line.number].score
        assert line.change == after[line.number].score - before[line.number].score
    for section in report.sections:
        assert section.previous_mean == pytest.approx(before_totals.section_means[section.number])
    # The earlier review's own report has nothing to compare with.
    assert build_report(earlier).comparison is None
    # Both series are in the chart.
    svg = section_chart_svg(report)
    assert "Earlier review (Baseline)" in svg and "This review (6 months)" in svg


def test_amendments_appear_with_reason_and_author(finalised_review, users):
    consensus = finalised_review.consensus.select_related("item").get(item__number=3)
    definition = consensus.item.definition
    actions.amend(
        consensus=consensus,
        expected_version=consensus.version,
        decisions=decisions_for(definition, len(definition.criteria)),
        anchor_level=None,
        rationale="Routine data arrived after the visit.",
        reason="The team sent last quarter's figures, which show every criterion met.",
        by=users["lead"],
    )
    report = build_report(finalised_review)
    assert len(report.amendments) == 1
    amendment = report.amendments[0]
    assert amendment.what.startswith("Item 3: score")
    assert amendment.reason.startswith("The team sent last quarter's figures")
    assert amendment.who == "Leona Marsh"
    assert amendment.when is not None
    assert report.report_version == 2
    item = next(i for i in report.items if i.number == 3)
    assert (
        item.score
        == score_item(
            definition,
            {c.letter: CriterionDecision("met", frozenset(c.sources)) for c in definition.criteria},
        ).score
    )
    html = report_html(finalised_review)
    assert "Amendments after finalising" in html
    assert "The team sent last quarter&#39;s figures" in html


def test_an_amendment_updates_the_scores_stored_for_lists_and_rankings(finalised_review, users):
    consensus = finalised_review.consensus.select_related("item").get(item__number=3)
    definition = consensus.item.definition
    before = dict(AgreedScore.objects.filter(review=finalised_review).values_list("key", "value"))
    assert before["item-3"] == consensus.score
    actions.amend(
        consensus=consensus,
        expected_version=consensus.version,
        decisions=decisions_for(definition, 0),
        anchor_level=None,
        rationale="The log turned out to cover another team.",
        reason="The evidence belonged to a neighbouring service.",
        by=users["lead"],
    )
    review = Review.objects.get(pk=finalised_review.pk)
    agreed = dict(review.consensus.values_list("item__number", "score"))
    result = score_scale(review.scale.definition, agreed)
    assert review.agreed_scores["items"] == {str(n): s for n, s in agreed.items()}
    assert review.agreed_scores["sections"] == {
        str(n): m for n, m in result.section_means.items() if m is not None
    }
    assert review.total == result.total
    ranking = dict(AgreedScore.objects.filter(review=review).values_list("key", "value"))
    assert ranking["item-3"] == agreed[3]
    assert ranking == {
        **{f"item-{n}": s for n, s in agreed.items()},
        **{f"section-{n}": m for n, m in result.section_means.items() if m is not None},
    }
    assert set(AgreedScore.objects.filter(review=review).values_list("timepoint", flat=True)) == {
        review.timepoint_id
    }


def test_a_draft_report_says_it_is_not_finalised(small, users):
    draft = walk_to_finalised(
        team=small["teams"][1],
        timepoint=small["timepoints"]["baseline"],
        visit_date=datetime.date(2027, 2, 8),
        users=users,
        plan=met_count_plan(),
        finalise=False,
    )
    report = build_report(draft)
    assert not report.is_finalised
    assert report.status == Status.REPORT
    assert report.total > 0
    html = report_html(draft)
    assert "Draft: not finalised" in html


def test_report_for_a_review_still_being_rated(small, users):
    review = actions.plan_review(
        team=small["teams"][1],
        timepoint=small["timepoints"]["6m"],
        visit_date=datetime.date(2027, 8, 9),
        panel=[(users["reviewer"], PanelRole.CLINICIAN)],
        by=users["lead"],
    )
    report = build_report(review)
    assert report.n_scored == 0 and report.mean is None and report.band is None
    assert report.strengths == () and report.priorities == ()
    assert all(i.score is None for i in report.items)


def test_query_count_does_not_depend_on_items(finalised_review, django_assert_max_num_queries):
    n_items = len(finalised_review.scale.definition.items)
    with django_assert_max_num_queries(12):
        report = build_report(finalised_review)
    assert len(report.items) == n_items > 12


# ----------------------------------------------------------------------------------------------
# The chart and the PDF
# ----------------------------------------------------------------------------------------------


def test_section_chart_is_accessible_inline_svg_without_script_or_style(finalised_review):
    report = build_report(finalised_review)
    svg = section_chart_svg(report)
    root = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in root
    assert 'aria-label="Bar chart of the mean item score in each section' in root
    assert "<script" not in svg.lower()
    assert " style=" not in svg
    assert "#005eb8" in svg.lower()
    assert section_chart_svg(report) is svg  # cached by the spec's hash


def test_report_pdf_is_a_pdf_naming_the_team(finalised_review):
    pdf = report_pdf(finalised_review)
    assert pdf.startswith(b"%PDF")
    assert b"%%EOF" in pdf[-1024:]
    try:
        from pypdf import PdfReader
    except ImportError:
        # Without a PDF reader: WeasyPrint compresses its objects (the outline and the
        # document information among them) into Flate streams; inflate them and look for the
        # document title and the outline entry, which carry the team's name as plain text.
        assert b"Testford Crisis Team" in inflated(pdf)
    else:
        import io

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "Testford Crisis Team" in text


def inflated(pdf: bytes) -> bytes:
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_page_and_pdf_share_one_body(finalised_review):
    html = report_html(finalised_review)
    for heading in (
        "At a glance",
        "About this review",
        "Section profile",
        "Strengths",
        "Priorities",
        "Recommendations from the panel",
        "Change since the earlier review",
        "Every item",
    ):
        assert heading in html
    # Screen-only links are left out of the PDF.
    assert "/scales/" not in html
    assert "<script" not in html


# ----------------------------------------------------------------------------------------------
# The command
# ----------------------------------------------------------------------------------------------


def test_command_writes_one_pdf_per_finalised_review(small, users, tmp_path, capsys):
    team_a, team_b = small["teams"]
    tps = small["timepoints"]
    walk_to_finalised(
        team=team_a,
        timepoint=tps["baseline"],
        visit_date=datetime.date(2027, 2, 1),
        users=users,
        plan=met_count_plan(),
    )
    walk_to_finalised(
        team=team_a,
        timepoint=tps["6m"],
        visit_date=datetime.date(2027, 8, 2),
        users=users,
        plan=met_count_plan(1),
    )
    walk_to_finalised(
        team=team_b,
        timepoint=tps["baseline"],
        visit_date=datetime.date(2027, 2, 8),
        users=users,
        plan=met_count_plan(),
        finalise=False,
    )
    out = tmp_path / "reports" / "nested"

    call_command("report", "reviews", "--programme", REPORT_SLUG, "--out", str(out))

    files = sorted(p.name for p in out.iterdir())
    assert files == ["testford-crisis-team-6m.pdf", "testford-crisis-team-baseline.pdf"]
    for path in out.iterdir():
        pdf = path.read_bytes()
        assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]
        assert b"Testford Crisis Team" in inflated(pdf)
    captured = capsys.readouterr()
    assert f"2 reports written to {out}" in captured.out


def test_command_with_no_finalised_reviews_says_so(small, tmp_path, capsys):
    call_command("report", "reviews", "--programme", REPORT_SLUG, "--out", str(tmp_path / "x"))
    assert "no finalised reviews yet" in capsys.readouterr().out
    assert not (tmp_path / "x").exists()


def test_command_rejects_an_unknown_programme(programme, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("report", "reviews", "--programme", "no-such", "--out", str(tmp_path))
    message = str(error.value)
    assert "no programme no-such" in message
    assert programme.slug in message
    assert "\n" not in message


def test_the_pdf_is_tagged_for_screen_readers(finalised_review):
    # PDF/UA: a structure tree of headings, lists and tables that screen readers follow.
    content = inflated(report_pdf(finalised_review))
    assert b"/StructTreeRoot" in content
    assert b"/Marked true" in content


def _page_text(page) -> str:
    found = []

    def walk(box):
        if getattr(box, "text", None):
            found.append(box.text)
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(page._page_box)
    return " ".join(found)


def test_the_pdfs_first_page_is_the_summary(finalised_review):
    from weasyprint import HTML

    from fidelis.pdf import STATIC_DIR

    document = HTML(
        string=report_html(finalised_review), base_url=STATIC_DIR.as_uri() + "/"
    ).render()
    first, second = (_page_text(page) for page in document.pages[:2])
    report = build_report(finalised_review)
    assert "At a glance" in first
    assert report.band in first
    for priority in report.priorities:
        assert priority.item.title in first
    # The rest of the report starts on the next page.
    assert "About this review" not in first
    assert second.lstrip().startswith("About this review")
