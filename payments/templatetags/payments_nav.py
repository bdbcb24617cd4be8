from django import template

from doorstroom import roles

register = template.Library()


@register.inclusion_tag("payments/_nav.html", takes_context=True)
def payments_nav(context) -> dict:
    """The payments pages a user may open, as the links under each page's title."""
    user = context["request"].user
    return {
        "may_claim": roles.may_claim(user),
        "may_import": roles.may_decide_claims(user),
        "may_correct": roles.may_run_corrections(user),
    }
