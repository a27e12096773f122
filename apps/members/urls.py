from django.urls import path

from apps.members import views

app_name = "members"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
