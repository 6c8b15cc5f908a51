"""Identity URLs, mounted at /auth/."""

from django.urls import path

from .views import factors, login, portal

app_name = "identity"

urlpatterns = [
    path("login/", login.LoginView.as_view(), name="login"),
    path("verify/", login.SecondFactorView.as_view(), name="verify"),
    path("logout/", login.LogoutView.as_view(), name="logout"),
    path("enrol/", factors.EnrolTotpView.as_view(), name="enrol"),
    path("recovery-codes/", factors.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("step-up/", factors.StepUpView.as_view(), name="step_up"),
    path("passkeys/register/", factors.PasskeyRegisterView.as_view(), name="passkey_register"),
    path("passkeys/authenticate/", factors.PasskeyAuthenticateView.as_view(),
         name="passkey_authenticate"),
    path("account/", portal.PortalView.as_view(), name="portal"),
    path("password/", portal.PasswordChangeView.as_view(), name="password_change"),
    path("logout-everywhere/", portal.LogoutEverywhereView.as_view(),
         name="logout_everywhere"),
    path("sessions/<int:pk>/end/", portal.EndSessionView.as_view(), name="end_session"),
    path("factors/<str:kind>/<int:pk>/remove/", portal.RemoveFactorView.as_view(),
         name="remove_factor"),
    path("welcome/<str:token>/", portal.WelcomeView.as_view(), name="welcome"),
]
