from django.urls import path

from apps.orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review/", views.review, name="review"),
    path("checkout/place/", views.place, name="place"),
    path("orders/", views.my_orders, name="mine"),
    path("orders/lookup/", views.lookup, name="lookup"),
    path("orders/link/<str:token>/", views.order_from_link, name="from_link"),
    path("orders/<str:number>/", views.order_detail, name="detail"),
]
