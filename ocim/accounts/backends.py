from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from ocim.core.prepared import PreparedRead


def _user_by_pk(pk):
    model = get_user_model()
    return (
        model._default_manager.filter(pk=pk)
        .order_by()
        .values_list(*(field.attname for field in model._meta.concrete_fields))
    )


# The person of every signed-in request, read by a statement written once per process.
_USER = PreparedRead(_user_by_pk, params=(int,))


class EmailBackend(ModelBackend):
    """Authenticate with the e-mail address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=email or username, password=password, **kwargs
        )

    def get_user(self, user_id):
        """``ModelBackend.get_user`` (the person of the session, if still allowed in) without
        building the query on every request."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return super().get_user(user_id)
        found = _USER.instances(get_user_model(), pk)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
