# core has no models. The module exists so that migrate sends its post_migrate signal to core,
# which then makes the database cache's table (core/apps.py).
