from doorstroom import roles


def role(request) -> dict:
    """The user's role for the navigation: links to pages a role may not open are not shown."""
    user = getattr(request, "user", None)
    return {
        "user_role": roles.role_of(user) if user else None,
        "sees_everything": roles.sees_everything(user) if user else False,
        "may_see_personal_data": roles.may_see_personal_data(user) if user else False,
        "may_edit": roles.may_edit(user) if user else False,
    }
