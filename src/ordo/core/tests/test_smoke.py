def test_personas_have_their_roles_in_their_company_only(personas, company_be, company_nl):
    from ordo.governance.access import has_permission

    rep = personas["sales_rep"]
    assert has_permission(rep, "partners.customer.manage", company_be)
    assert not has_permission(rep, "partners.customer.manage", company_nl)
    assert not has_permission(rep, "catalog.product.manage", company_be)
