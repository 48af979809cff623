"""The shop's news posts (/shop/news/): its staff see and edit only their own shop's posts;
the shop is always the signed-in user's, never one named by the request."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from shops.access import ShopMixin

from . import selectors, services
from .forms import NewsPostForm


class NewsListView(ShopMixin, TemplateView):
    template_name = "community/shop_news.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop,
            posts=selectors.news_of_shop(shop=self.shop),
            followers=selectors.follower_count(shop=self.shop),
            **kwargs,
        )


class NewsCreateView(ShopMixin, FormView):
    template_name = "community/shop_news_form.html"
    form_class = NewsPostForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, post=None, **kwargs)

    def form_valid(self, form):
        services.publish_news(shop=self.shop, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your news is posted and e-mailed to your followers."))
        return redirect("community:shop-news")


class NewsEditView(ShopMixin, FormView):
    template_name = "community/shop_news_form.html"
    form_class = NewsPostForm

    def get_post(self):
        post = selectors.post_of_shop(shop=self.shop, pk=self.kwargs["pk"])
        if post is None:  # another shop's post, or none: the same answer
            raise Http404
        return post

    def get_initial(self):
        post = self.get_post()
        return {"title": post.title, "text": post.text, "until": post.until}

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, post=self.get_post(), **kwargs)

    def form_valid(self, form):
        services.edit_news(post=self.get_post(), **form.cleaned_data)
        messages.success(self.request, _("Your news is changed (it is not e-mailed again)."))
        return redirect("community:shop-news")
