from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from fidelis.accounts import views as account_views
from fidelis.home import home, static_page

# The admin signs in through Fidelis's own sign-in page, so two-factor authentication and
# the sign-in limits apply there too; its password-only form is never used.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    path("about/", static_page, {"page": "about"}, name="about"),
    path("privacy/", static_page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", static_page, {"page": "accessibility"}, name="accessibility"),
    path("account/", account_views.settings_page, name="account_settings"),
    # Before allauth's own email page, which would let anyone add any address.
    path("accounts/email/", account_views.email_addresses, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("fidelis.programmes.urls")),
    path("", include("fidelis.scales.urls")),
    path("", include("fidelis.reviews.urls")),
    path("", include("fidelis.benchmarks.urls")),
    path("", include("fidelis.improvement.urls")),
    path("", include("fidelis.support.urls")),
    path("", include("fidelis.resources.urls")),
    path("", include("fidelis.outcomes.urls")),
]
