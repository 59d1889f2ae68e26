"""What the magazine page shows a reader about themselves (whether they follow it)."""

from django import template

from ..selectors import magazine_followed_by

register = template.Library()


@register.simple_tag(takes_context=True)
def magazine_followed(context, magazine) -> bool:
    """``{% magazine_followed page as following %}``: does the reader follow ``magazine``?"""
    request = context.get("request")
    return magazine_followed_by(magazine, getattr(request, "user", None))
