from ninja import Router

router = Router(tags=["规划监测"])
