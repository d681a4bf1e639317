from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    return render(request, "web/home.html")


@require_POST
@login_required
def switch_company(request):
    """Change the company the user works in (only to one of their own)."""
    wanted = request.POST.get("company")
    for company in request.companies:
        if str(company.pk) == wanted:
            request.session[SESSION_KEY] = company.pk
            break
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)
