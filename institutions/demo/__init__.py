"""Demo data for development and volume testing: the real institutions, agreements and events
of Uzbek-Kazakh cultural cooperation, demo accounts, and generated events on demand."""

from institutions.demo.generated import demo_events_generate
from institutions.demo.loading import DemoReport, demo_load

__all__ = ["DemoReport", "demo_events_generate", "demo_load"]
