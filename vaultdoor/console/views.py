"""Console views (placeholder until the console lands)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

login = auth_views.LoginView.as_view()


@login_required
def dashboard(request):
    return HttpResponse("vaultdoor")
