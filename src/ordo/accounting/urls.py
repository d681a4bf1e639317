"""The accountant's pages, one module per area: documents (invoices, bills, credit notes),
money (payments, bank statements, the reconciliation workbench) and books (periods,
closing, journal entries, reports)."""

from .views_books import urlpatterns as books_urls
from .views_documents import urlpatterns as documents_urls
from .views_money import urlpatterns as money_urls

app_name = "accounting"

urlpatterns = [*documents_urls, *money_urls, *books_urls]
