"""Signing in and out of the console (Django's auth for now; a later issue adds 2FA)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

__all__ = ["LoginView", "LogoutView"]


class LoginView(auth_views.LoginView):
    """The sign-in page; a signed-in user who comes back is sent on to the dashboard."""

    template_name = "console/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signing out (POST only, with the CSRF token): a link cannot sign anyone out."""

    http_method_names = ["post", "options"]
