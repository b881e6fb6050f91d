from django.urls import path

from accounts import views, views_security

app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    # The token is a key to sign-up: logs write the route (journal_site/access_log.py).
    path("accounts/signup/invite/<str:token>/", views.signup, name="signup_invite"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # The token is a key to the account: the access log shows this route, never the path (gunicorn.conf.py).
    path("accounts/email/undo/<str:token>/", views.email_change_undo, name="email_change_undo"),
    path("accounts/email/confirm/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/preferences/", views.preferences, name="preferences"),
    path("settings/delete/", views.delete_account, name="delete_account"),
    # The account's protections (accounts/views_security.py)
    path("accounts/login/code/", views_security.login_code, name="login_code"),
    path("settings/sessions/", views_security.sessions_page, name="sessions"),
    path("settings/sessions/<int:sign_in_id>/revoke/", views_security.session_revoke, name="session_revoke"),
    path("settings/sessions/revoke-others/", views_security.sessions_revoke_others, name="sessions_revoke_others"),
    path("settings/two-factor/", views_security.two_factor_page, name="two_factor"),
    path("settings/two-factor/disable/", views_security.two_factor_disable, name="two_factor_disable"),
    path("settings/two-factor/recovery-codes/", views_security.recovery_codes_renew, name="recovery_codes_renew"),
    path("settings/activity/", views_security.activity_page, name="activity"),
]
