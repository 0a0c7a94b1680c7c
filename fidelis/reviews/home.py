"""Review-related next steps on the home page."""


def extend_section(section, role, user, group) -> None:
    """Add review tasks to a home page section (reviews to rate, reports to read)."""
    return None
