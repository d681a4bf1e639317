"""Read-only admin views of the catalog (writes go through services, with audit)."""

from django.contrib import admin

from .models import PriceList, PriceRule, Product, ProductCategory, SupplierPrice, Unit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["sku", "name", "category", "stock_unit", "gtin", "is_active"]
    search_fields = ["sku", "name", "gtin"]
    list_filter = ["is_active", "tracking"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "category", "factor", "rounding", "is_reference"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "parent", "cost_method"]


@admin.register(PriceList)
class PriceListAdmin(ReadOnlyAdmin):
    list_display = ["company", "code", "name", "currency", "is_active"]


@admin.register(PriceRule)
class PriceRuleAdmin(ReadOnlyAdmin):
    list_display = ["price_list", "sequence", "kind", "product", "customer", "min_quantity"]


@admin.register(SupplierPrice)
class SupplierPriceAdmin(ReadOnlyAdmin):
    list_display = ["supplier", "product", "company", "price", "currency", "min_quantity"]
