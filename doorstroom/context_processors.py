from doorstroom import roles


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
