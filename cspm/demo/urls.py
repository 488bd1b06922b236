from django.urls import path

from cspm.demo import views

app_name = "demo"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
]
