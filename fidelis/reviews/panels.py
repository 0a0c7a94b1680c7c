"""Review summaries shown on other apps' pages (the team page)."""


def team_review_panel(user, team) -> list:
    """The team's reviews the user may see, newest first."""
    return []
