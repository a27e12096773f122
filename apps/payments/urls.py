from django.conf import settings
from django.urls import path

from apps.payments import views

app_name = "payments"

urlpatterns = [
    path("payments/<str:number>/", views.pay, name="pay"),
    path("payments/<str:number>/check/", views.check, name="check"),
]

# The simulator pays for free: it exists only where it is switched on (never in production).
if settings.PAYMENT_SIMULATOR:
    urlpatterns.append(path("payments/simulator/<str:number>/", views.simulator, name="simulator"))
