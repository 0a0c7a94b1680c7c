"""Demo reviews for the demo programme."""


def build_demo_reviews(*, programme, rng, personas, reviewers) -> None:
    """Baseline, 6-month and 12-month reviews for the demo teams."""
    return None
