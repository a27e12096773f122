from django.urls import path

from apps.promotions import views

app_name = "promotions"

urlpatterns = [
    path("group-buys/<int:group_buy_id>/join/", views.group_buy_join, name="group_buy_join"),
]
