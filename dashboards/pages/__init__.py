"""Pages of the dashboards (Dash Pages, ``pages_folder``): each module calls ``dash.register_page(__name__, ...,
access=...)`` with its access rule (see dashboards/auth.py), defines ``layout(**kwargs)`` (path variables, query
arguments and ``lang``) and registers its callbacks with ``dash.callback``. Dash imports these modules when the
app is created (``dashboards.app.create_app``); import shared code from ``dashboards.components`` instead."""
