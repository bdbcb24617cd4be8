from functools import lru_cache

from django.urls import get_script_prefix, reverse

from doorstroom import roles

# The header's links (doorstroom/_header.html): name -> view.
NAVIGATION = {
    "home": "home",
    "mandates": "mandates:list",
    "pilots": "pilots:list",
    "trajectories": "trajectories:list",
    "questions": "questions:list",
    "payments": "payments:claims",
    "exports": "exports",
    "notifications": "notifications:list",
    "admin": "admin:index",
    "set_language": "set_language",
    "logout": "logout",
}


def role(request) -> dict:
    """The user's role for the navigation: links to pages a role may not open are not shown."""
    user = getattr(request, "user", None)
    return {
        "sees_everything": roles.sees_everything(user),
        "may_edit": roles.may_edit(user),
        # The pages about individual workers (doorstroom.access.PersonalDataMixin).
        "may_see_personal_data": roles.may_see_personal_data(user),
        # Claims and payments (payments/): internal figures, not for the analyst.
        "may_see_payments": roles.may_see_internal_figures(user),
    }


def navigation(request) -> dict:
    """The header's links, reversed once per process and script prefix: eleven reversals were a
    quarter of the header's time on every page."""
    return {"nav": _links(get_script_prefix())}


@lru_cache(maxsize=8)
def _links(prefix: str) -> dict[str, str]:
    return {name: reverse(view) for name, view in NAVIGATION.items()}
