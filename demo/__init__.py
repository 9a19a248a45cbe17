"""Demo data for development and volume testing: the real institutions, agreements and events
of Uzbek-Kazakh cultural cooperation, demo accounts, and generated events on demand
(``manage.py load_demo``)."""
