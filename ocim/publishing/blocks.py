"""Blocks of the article body."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ocim.core.blocks import RICH_TEXT_FEATURES, FigureBlock, HeadingBlock


class QuotationBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "publishing/blocks/quotation.html"


class TableBlock(blocks.StructBlock):
    """A simple data table: wagtail.contrib.table_block is not installed, so rows of cells.

    The caption is required: a table without one is not accessible (RGAA 5.4)."""

    caption = blocks.CharBlock(label=_("Caption"), max_length=255)
    first_row_is_header = blocks.BooleanBlock(
        label=_("The first row holds the column headers"), required=False, default=True
    )
    rows = blocks.ListBlock(
        blocks.ListBlock(blocks.CharBlock(label=_("Cell"), required=False), label=_("Row")),
        label=_("Rows"),
    )

    class Meta:
        icon = "table"
        label = _("Table")
        template = "publishing/blocks/table.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    figure = FigureBlock()
    quotation = QuotationBlock()
    table = TableBlock()
