"""The rows and facts the simulated users need, made and read through the app's own services
and selectors: ``python loadtest/prepare.py PLAN.json`` (run by ``loadtest/run.py`` with the
load test's environment, after ``migrate`` and ``load_demo``).

It makes calendar subscription feeds with ``calendars.services.feed_create`` (the one place
that knows a token: only its hash is stored) and writes a plan for ``loadtest/locustfile.py``:

- ``feeds``: the feed tokens, each with its owner and filters;
- ``editor_slots``: for each simulated editor, a demo coordinator and events of their own
  that this coordinator may change (``events.permissions.can_change_event``); no two slots
  share an event, so editors never overwrite each other and the optimistic lock (409) is
  never expected;
- ``visible``: per demo account, samples of the event and programme pages it may open;
- ``public``: samples of the public event and programme pages;
- ``filters``: the filter values the pages and exports are called with.
"""

import datetime
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from calendars.services import feed_create  # noqa: E402
from events.models import Event  # noqa: E402
from events.permissions import can_change_event  # noqa: E402
from events.selectors import event_list  # noqa: E402
from institutions.models import Country, Institution  # noqa: E402
from institutions.permissions import role_ids  # noqa: E402
from programmes.selectors import programme_list  # noqa: E402
from public.selectors import public_event_list, public_programme_list  # noqa: E402

# The demo accounts (demo/management/commands/load_demo.py).
BROWSING_ACCOUNTS = ("uz.coordinator", "kz.coordinator", "uz.national", "kz.national", "viewer")
EDITING_ACCOUNTS = ("uz.coordinator", "kz.coordinator")
FEED_OWNERS = (*BROWSING_ACCOUNTS, "admin")
# More slots than editors are ever started, so each editor has events of its own.
EDITOR_SLOTS = 40
EVENTS_PER_SLOT = 4
PAGE_SAMPLE = 200
# The same data set gives the same plan, so two runs are comparable.
SEED = 20_261_128


def _feeds(rng: random.Random) -> list[dict]:
    """Four feeds per owner: everything they may see, one country's concerts and exhibitions,
    one host institution, one programme — as people subscribe to them."""
    feeds = []
    kinds = [Event.Kind.CONCERT, Event.Kind.EXHIBITION]
    institution_ids = list(Institution.objects.order_by("pk").values_list("pk", flat=True))
    for username in FEED_OWNERS:
        owner = User.objects.get(username=username)
        own_institutions = sorted(role_ids(owner).institution_ids) or institution_ids
        programme_ids = list(programme_list(user=owner).values_list("pk", flat=True))
        choices = [
            ("Everything", {}),
            ("Concerts in Kazakhstan", {"country": "KZ", "kind": kinds[0]}),
            ("Exhibitions in Uzbekistan", {"country": "UZ", "kind": kinds[1]}),
            ("Our institution", {"institution": rng.choice(own_institutions)}),
            ("One programme", {"programme": rng.choice(programme_ids)}),
        ]
        # "Everything" for every owner, and three of the narrower ones.
        for name, filters in [choices[0], *rng.sample(choices[1:], 3)]:
            new_feed = feed_create(owner=owner, name=f"Load test: {name}", filters=filters)
            feeds.append({"owner": username, "token": new_feed.token, "filters": filters})
    return feeds


def _editor_slots(rng: random.Random) -> list[dict]:
    """Disjoint sets of events, each changeable by the coordinator of its slot. Events from
    today on: what coordinators mostly edit (confirming, moving, expected attendance)."""
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    per_account = {}
    for username in EDITING_ACCOUNTS:
        user = User.objects.get(username=username)
        upcoming = event_list(user=user).filter(
            starts_at__gte=today, starts_at__lt=today + datetime.timedelta(days=365)
        )
        per_account[username] = [
            event.pk for event in upcoming if can_change_event.test(user, event)
        ]
    taken: set[int] = set()
    slots = []
    for index in range(EDITOR_SLOTS):
        username = EDITING_ACCOUNTS[index % len(EDITING_ACCOUNTS)]
        free = [pk for pk in per_account[username] if pk not in taken]
        if len(free) < EVENTS_PER_SLOT:
            break
        events = rng.sample(free, EVENTS_PER_SLOT)
        taken.update(events)
        slots.append({"username": username, "events": events})
    return slots


def _sample(rng: random.Random, ids: list[int]) -> list[int]:
    return rng.sample(ids, min(PAGE_SAMPLE, len(ids)))


def main(plan_path: str) -> None:
    rng = random.Random(SEED)
    visible = {}
    for username in BROWSING_ACCOUNTS:
        user = User.objects.get(username=username)
        visible[username] = {
            "events": _sample(rng, list(event_list(user=user).values_list("pk", flat=True))),
            "programmes": list(programme_list(user=user).values_list("pk", flat=True)),
        }
    this_year = timezone.localdate().year
    plan = {
        "feeds": _feeds(rng),
        "editor_slots": _editor_slots(rng),
        "visible": visible,
        "public": {
            "events": _sample(rng, list(public_event_list().values_list("pk", flat=True))),
            "programmes": list(public_programme_list().values_list("pk", flat=True)),
        },
        "filters": {
            "countries": list(
                Country.objects.filter(events__isnull=False)
                .distinct()
                .order_by("code")
                .values_list("code", flat=True)
            ),
            "institutions": list(Institution.objects.order_by("pk").values_list("pk", flat=True)),
            "kinds": list(Event.Kind.values),
            "statuses": list(Event.Status.values),
            "years": [this_year - 1, this_year],
        },
    }
    Path(plan_path).write_text(json.dumps(plan, indent=1))
    print(
        f"plan: {len(plan['feeds'])} feeds, {len(plan['editor_slots'])} editor slots, "
        f"{len(plan['public']['events'])} public events sampled"
    )


if __name__ == "__main__":
    main(sys.argv[1])
