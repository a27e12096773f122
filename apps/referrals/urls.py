from django.urls import path

from apps.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.my_shares, name="mine"),
    path("share/", views.share_product, name="share"),
]
