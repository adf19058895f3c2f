from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Django's backend, loading the person behind a login together with the user: every request
    derives the user's access from that person (``accounts.access``), so this saves a query on
    every page."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("person__branch", "person__department").get(
                pk=user_id
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
