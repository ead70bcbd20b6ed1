from django.contrib.auth import views as auth_views

from rentbook.web.forms import SignInForm


class SignInView(auth_views.LoginView):
    """Sign in. Failed attempts are counted and locked out by django-axes (see settings)."""

    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass
