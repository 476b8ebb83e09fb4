"""Alerts that reach people (issue 21): stable ids and plain facts of the published early-warning alerts
(``catalog``), the city inbox state, its history and the cities' subscriptions (``store``: SQLite under
``$SCN_HOME/alerts/``), and the notifier sending each new alert once per subscriber by e-mail or webhook
(``notifier``). Codes and numbers only: sentences are rendered in the reader's language (dashboards/i18n.py)."""
