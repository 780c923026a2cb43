"""Who may do what with young people's voice, built on `clubs.permissions`.

Coaches of a club, its partner's lead and superusers act on its proposals;
Energise Me staff read the club record and coaches' pages but change nothing.
Young people never have an account, so they never pass these checks.
"""

from clubs.permissions import can_manage_club, can_view_club


def can_read_coach_pages(user, club) -> bool:
    """The club's coaches' pages and its record (read only for county staff)."""
    return can_view_club(user, club)


def can_act_for_club(user, club) -> bool:
    """Moderate, answer, record changes and learning, run rounds, block members."""
    return can_manage_club(user, club)
