from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.selectors import user_get_cached, user_identifier_condition


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with a username or an email address, in any letter case.

    `get_user`, which resolves the user of every signed-in request, reads the
    user cache (`user:id:{id}`), so an authenticated page costs no user query.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = get_user_model().objects.filter(user_identifier_condition(username)).first()
        if user is None:
            # Spend the same time as a real check so timing does not reveal which names exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = user_get_cached(user_id=user_id)
        return user if self.user_can_authenticate(user) else None
