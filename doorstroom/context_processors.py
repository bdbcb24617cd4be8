from doorstroom import roles


def role(request) -> dict:
    """The user's role for the navigation: links to pages a role may not open are not shown."""
    user = getattr(request, "user", None)
    return {"sees_everything": roles.sees_everything(user), "may_edit": roles.may_edit(user)}
