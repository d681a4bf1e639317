from ninja import Router

router = Router(tags=["catalog"])
pricing_router = Router(tags=["pricing"])
