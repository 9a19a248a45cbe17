from django.urls import path

from invitations import views

app_name = "invitations"

urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("institution/<int:pk>/", views.invitation_invite, name="invite"),
    path("<int:pk>/resend/", views.invitation_resend, name="resend"),
    path("<int:pk>/withdraw/", views.invitation_withdraw, name="withdraw"),
    path("<str:token>/", views.invitation_accept, name="accept"),
]
