from django.urls import path

from apps.promotions import views

app_name = "promotions"

urlpatterns = [
    path("campaigns/<slug:slug>/", views.campaign, name="campaign"),
    path("coupons/claim/", views.coupon_claim, name="coupon_claim"),
    path("coupons/product/<int:product_id>/", views.product_coupons, name="product_coupons"),
    path("members/coupons/", views.my_coupons, name="my_coupons"),
    path("group-buys/<int:group_buy_id>/join/", views.group_buy_join, name="group_buy_join"),
]
