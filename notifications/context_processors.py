import functools

from notifications.models import Notification


def unread(request) -> dict:
    """The number of the user's unread notifications, for the navigation (asked once, and only
    when a page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def count() -> int:
        return Notification.objects.unread_count(user)

    return {"unread_notifications": count}
